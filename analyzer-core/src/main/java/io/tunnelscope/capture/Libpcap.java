package io.tunnelscope.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libpcap (and C library) functions a live capture's hot path needs, bound directly
 * (JNA direct mapping: one native call per function, no per-call reflection or allocation), so
 * that a reader thread takes packets out of the kernel's ring as fast as libpcap hands them out.
 * pcap4j stays in use for listing devices; it allocates per packet and is not used for reading.
 *
 * <p>The library is the one pcap4j loads ({@code pcap}, or the system property
 * {@code org.pcap4j.core.pcapLibName}). Linux: {@code struct pcap_pkthdr} is a {@code struct
 * timeval} (two C longs) and two 32-bit lengths.
 */
final class Libpcap {
    static final int ERRBUF_SIZE = 256;
    static final int TSTAMP_PRECISION_NANO = 1;
    static final int NETMASK_UNKNOWN = 0xFFFFFFFF;
    static final int ERROR = -1;
    static final int ERROR_BREAK = -2;
    static final int ERROR_NO_SUCH_DEVICE = -5;
    static final int ERROR_PERM_DENIED = -8;
    static final int ERROR_IFACE_NOT_UP = -9;
    static final int ERROR_PROMISC_PERM_DENIED = -11;
    /** Size of {@code struct pcap_pkthdr}: a timeval of two C longs, then caplen and len. */
    static final int PKTHDR_SIZE = 2 * Native.LONG_SIZE + 8;
    /** {@code struct bpf_program}: a u_int count and a pointer, aligned. */
    static final int BPF_PROGRAM_SIZE = 2 * Native.POINTER_SIZE;
    static final short POLLIN = 0x1;

    /** Why the binding could not be made (libpcap missing or too old), or null when it works. */
    static final String UNAVAILABLE;

    static {
        String problem = null;
        try {
            Native.register(Libpcap.class,
                    NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
            Native.register(C.class, NativeLibrary.getInstance("c"));
        } catch (LinkageError | RuntimeException e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        UNAVAILABLE = problem;
    }

    private Libpcap() {
    }

    static native Pointer pcap_create(String source, byte[] errbuf);

    static native int pcap_set_snaplen(Pointer pcap, int snaplen);

    static native int pcap_set_promisc(Pointer pcap, int promisc);

    static native int pcap_set_timeout(Pointer pcap, int milliseconds);

    static native int pcap_set_buffer_size(Pointer pcap, int bytes);

    static native int pcap_set_tstamp_precision(Pointer pcap, int precision);

    static native int pcap_activate(Pointer pcap);

    static native Pointer pcap_geterr(Pointer pcap);

    static native String pcap_statustostr(int error);

    static native int pcap_datalink(Pointer pcap);

    static native int pcap_get_tstamp_precision(Pointer pcap);

    static native int pcap_compile(Pointer pcap, Pointer program, String filter, int optimize, int netmask);

    static native int pcap_setfilter(Pointer pcap, Pointer program);

    static native void pcap_freecode(Pointer program);

    static native int pcap_setnonblock(Pointer pcap, int nonblock, byte[] errbuf);

    static native int pcap_get_selectable_fd(Pointer pcap);

    /** {@code header} and {@code data} point to storage for one pointer each. */
    static native int pcap_next_ex(Pointer pcap, Pointer header, Pointer data);

    /** {@code stats}: {@code struct pcap_stat}, three unsigned ints (recv, drop, ifdrop). */
    static native int pcap_stats(Pointer pcap, Pointer stats);

    static native void pcap_close(Pointer pcap);

    /** libpcap's message for the last error on {@code pcap}. */
    static String error(Pointer pcap) {
        Pointer message = pcap_geterr(pcap);
        return message == null ? "" : message.getString(0);
    }

    /** A NUL-terminated error buffer as text. */
    static String text(byte[] errbuf) {
        int n = 0;
        while (n < errbuf.length && errbuf[n] != 0) {
            n++;
        }
        return new String(errbuf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The C library calls around a capture socket. */
    static final class C {
        static final int SOL_SOCKET = 1;
        static final int SO_ATTACH_FILTER = 26;

        private C() {
        }

        /** {@code fds}: {@code struct pollfd} entries (int fd, short events, short revents). */
        static native int poll(Pointer fds, NativeLong count, int timeoutMillis);

        static native int setsockopt(int fd, int level, int name, Pointer value, int length);
    }

    /**
     * Attaches a classic BPF program that accepts nothing to the socket {@code fd}: from then on
     * the kernel neither delivers nor counts packets, so the statistics stop moving while the
     * packets already in the ring are read out. Returns false when the system refuses.
     */
    static boolean freeze(int fd) {
        Memory instruction = new Memory(8);
        instruction.clear();
        instruction.setShort(0, (short) 0x06); // BPF_RET | BPF_K, k = 0: keep nothing
        Memory program = new Memory(2L * Native.POINTER_SIZE);
        program.clear();
        program.setShort(0, (short) 1);
        program.setPointer(Native.POINTER_SIZE, instruction);
        return C.setsockopt(fd, C.SOL_SOCKET, C.SO_ATTACH_FILTER, program, (int) program.size()) == 0;
    }
}
