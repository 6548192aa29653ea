package io.tunnelscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps analyzer-core a UI-free library and its packages layered as the README's map says. */
class ArchitectureTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tunnelscope");
    }

    @Test
    void coreDependsOnNeitherCliNorGui() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.tunnelscope.cli..", "io.tunnelscope.gui..", "javafx..",
                        "org.apache.commons.cli..", "org.jfree..")
                .because("analyzer-cli and analyzer-gui depend on core, never the reverse")
                .check(core);
    }

    @Test
    void captureReadersKnowNothingOfDecoding() {
        noClasses().that().resideInAPackage("io.tunnelscope.capture..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tunnelscope.decode..", "io.tunnelscope.proto..")
                .check(core);
    }

    @Test
    void protocolFlyweightsStandAlone() {
        noClasses().that().resideInAPackage("io.tunnelscope.proto..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tunnelscope.decode..", "io.tunnelscope.capture..",
                        "io.tunnelscope.detail..")
                .check(core);
    }

    @Test
    void fastPathDoesNotUseTheKaitaiOracle() {
        noClasses().that().resideInAnyPackage("io.tunnelscope.decode..", "io.tunnelscope.proto..",
                        "io.tunnelscope.capture..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tunnelscope.kaitai..", "io.tunnelscope.detail..", "io.kaitai..")
                .check(core);
    }
}
