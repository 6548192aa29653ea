package io.tunnelscope.anomaly;

import java.util.List;

/** The rule catalogue: a fresh instance of every rule, in the order reports list them. */
public final class Rules {
    private Rules() {
    }

    /**
     * Fresh instances of every rule. The two rules that judge VXLAN destinations share what is
     * gathered about them (gathered once per packet).
     */
    public static List<Rule> all() {
        VxlanDestinations vxlan = new VxlanDestinations();
        return List.of(new SnatRule(), new DnatRule(), new FragNeededRule(), new InnerFragmentationRule(),
                new OuterFragmentationRule(), new OversizeForOverlayRule(), new MtuMismatchRule(),
                new MssMismatchRule(), new PmtuBlackholeRule(), new BadChecksumRule(), new OffloadArtifactRule(),
                new UnderlayLossRule(), new LostRule(), new CaptureLossRule(), new TruncatedCaptureRule(),
                new UnknownVtepRule(vxlan), new VxlanMirrorRule(vxlan), new TcpRetransmissionRule(), new ConfiguredMtuRule(),
                new RpFilterRule(), new BridgeNetfilterRule());
    }
}
