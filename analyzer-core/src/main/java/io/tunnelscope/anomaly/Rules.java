package io.tunnelscope.anomaly;

import java.util.List;

/** The rule catalogue: a fresh instance of every rule, in the order reports list them. */
public final class Rules {
    private Rules() {
    }

    public static List<Rule> all() {
        return List.of(new SnatRule(), new DnatRule(), new FragNeededRule(), new InnerFragmentationRule(),
                new OuterFragmentationRule(), new OversizeForOverlayRule(), new MtuMismatchRule(),
                new MssMismatchRule(), new PmtuBlackholeRule(), new BadChecksumRule(), new OffloadArtifactRule(),
                new UnderlayLossRule(), new TruncatedCaptureRule(), new UnknownVtepRule(), new TcpRetransmissionRule());
    }
}
