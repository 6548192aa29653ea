package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams copied to files that can be read again, what could not be read said, the copies deleted. */
class StreamSpoolTest {
    @Test
    void copiesEachStreamToAFileOfItsOwnAndDeletesThemOnClose(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[200_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path source = Files.write(dir.resolve("source"), bytes);
        List<String> problems = new ArrayList<>();
        StreamSpool spool = new StreamSpool();
        Path first = spool.copy("-", source, "stdin", problems);
        Path second = spool.copy("/dev/fd/63", source, "stdin", problems);
        assertEquals("stdin", first.getFileName().toString());
        assertFalse(first.equals(second), "two streams of one name are two files");
        assertArrayEquals(bytes, Files.readAllBytes(first));
        assertArrayEquals(bytes, Files.readAllBytes(second));
        assertTrue(problems.isEmpty(), problems.toString());
        Path directory = spool.directory();
        spool.close();
        assertFalse(Files.exists(directory));
        assertNull(spool.directory());
    }

    @Test
    void aStreamThatCannotBeOpenedIsSaidAndLeavesAnEmptyCopy(@TempDir Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        try (StreamSpool spool = new StreamSpool()) {
            Path copy = spool.copy("gone", dir.resolve("missing"), "gone", problems);
            assertEquals(0, Files.size(copy));
            assertEquals(1, problems.size());
            assertTrue(problems.get(0).startsWith("gone: cannot open: "), problems.get(0));
        }
    }

    @Test
    void aPipeIsAStreamAndARegularFileOrADirectoryIsNot(@TempDir Path dir) throws Exception {
        assertFalse(StreamSpool.isStream(Files.write(dir.resolve("f"), new byte[1])));
        assertFalse(StreamSpool.isStream(dir));
        assertFalse(StreamSpool.isStream(dir.resolve("missing")));
        assertTrue(StreamSpool.isStream(Path.of("/dev/null")), "a device");
    }
}
