package io.tunnelscope.decode;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import java.util.List;

/**
 * Names of capture points as {@code correlate} names them (and the {@code point} filter field
 * compares): the file name without {@code .gz} and extension; for a pcapng file with several
 * interfaces {@code stem:ifname} (or {@code stem:ifN} without a name); for a Linux cooked v2
 * ({@code any}) capture also {@code :ifindexN}. A capture {@code tunnelscope collect} wrote
 * ({@code DIR/NODE/DEVICE.pcapng}, its section header commented {@code tunnelscope-node=NODE}) is
 * {@code NODE-DEVICE}, as the lab names its files.
 */
public final class PointNames {
    /** The section-header comment that names the node a capture was taken on. */
    public static final String NODE_COMMENT = "tunnelscope-node=";

    private PointNames() {
    }

    /** The node a capture's comments name ({@link #NODE_COMMENT}), or null. */
    public static String node(List<String> comments) {
        for (String comment : comments) {
            if (comment.startsWith(NODE_COMMENT) && comment.length() > NODE_COMMENT.length()) {
                return comment.substring(NODE_COMMENT.length());
            }
        }
        return null;
    }

    /**
     * The stem of a capture file whose (section) comments have been read: {@link #stem(String)},
     * prefixed with {@code NODE-} when a comment names the node and the file name does not
     * already start with it ({@code node1/flannel.1.pcapng} gives {@code node1-flannel.1}).
     */
    public static String stem(String fileName, List<String> comments) {
        String stem = stem(fileName);
        String node = node(comments);
        return node == null || stem.startsWith(node + "-") ? stem : node + "-" + stem;
    }

    /**
     * The last element of a path as the user named it ({@code /tmp/host1-ens33.pcap} gives
     * {@code host1-ens33.pcap}); {@code -} (standard input) stays {@code -}.
     */
    public static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
    }

    /**
     * The file name without {@code .gz} and the last extension: {@code host2-ens33.pcapng} →
     * {@code host2-ens33}; standard input ({@code -}) is {@code stdin}.
     */
    public static String stem(String fileName) {
        if (fileName.equals("-")) {
            return "stdin";
        }
        String name = fileName;
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * The point name of a packet.
     *
     * @param stem        {@link #stem(String)} of its file
     * @param interfaces  the reader's interfaces so far
     * @param interfaceId the packet's interface id (-1 for pcap)
     * @param sll2IfIndex the interface index of its Linux cooked v2 header, or -1
     */
    public static String of(String stem, List<CaptureInterface> interfaces, int interfaceId, int sll2IfIndex) {
        String name = stem;
        if (interfaceId >= 0 && interfaceId < interfaces.size() && interfaces.size() > 1) {
            String ifName = interfaces.get(interfaceId).name();
            name = stem + ":" + (ifName != null ? ifName : "if" + interfaceId);
        }
        if (sll2IfIndex >= 0) {
            name = name + ":ifindex" + sll2IfIndex;
        }
        return name;
    }

    /** The point name of a decoded packet (reads the Linux cooked v2 interface index itself). */
    public static String of(String stem, List<CaptureInterface> interfaces, int interfaceId, LayerStack stack) {
        return of(stem, interfaces, interfaceId, sll2IfIndex(stack));
    }

    /** The interface index of a packet's Linux cooked v2 header, or -1. */
    public static int sll2IfIndex(LayerStack stack) {
        if (stack.linkType() != LinkType.LINUX_SLL2) {
            return -1;
        }
        int sll2 = stack.indexOf(LayerType.LINUX_SLL2);
        return sll2 >= 0 && stack.headerLength(sll2) >= LinuxSll2Header.INTERFACE_INDEX_OFFSET + Integer.BYTES
            ? stack.buffer().getInt(stack.offset(sll2) + LinuxSll2Header.INTERFACE_INDEX_OFFSET) : -1;
    }

    /**
     * The device a capture point captured on: its interface name when the capture names it, else
     * the part of the point name after the last ':' and '-' ({@code host1-flannel.1} gives
     * {@code flannel.1}, {@code host2-multi:docker0} gives {@code docker0}).
     */
    public static String device(String pointName, String interfaceName) {
        if (interfaceName != null) {
            return interfaceName;
        }
        String name = pointName;
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(colon + 1);
        }
        int dash = name.lastIndexOf('-');
        return dash >= 0 ? name.substring(dash + 1) : name;
    }
}
