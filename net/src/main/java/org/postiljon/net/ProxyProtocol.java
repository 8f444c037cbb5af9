package org.postiljon.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2): a load balancer in front
 * of the node says, before anything else on the connection, whom it accepted it from, so limits,
 * login throttling, "plaintext only from loopback" and logs see the client, not the balancer. It is
 * read only from {@link Trusted} addresses, which must then send it; anyone else's header would be
 * a forged address. Exactly the header's bytes are read, so TLS or the protocol follows untouched.
 */
public final class ProxyProtocol {

    /** Version 2's signature (§2.2). */
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** §2.1: a version 1 line is at most 107 bytes with its CRLF. */
    private static final int V1_MAX = 107;
    /** Addresses plus TLVs; HAProxy sends a few hundred bytes at most. Longer is refused, not read. */
    static final int V2_MAX = 4096;

    private ProxyProtocol() { }

    /** A header that is not one, or says something this server cannot use. */
    public static final class Malformed extends IOException {
        Malformed(String message) {
            super("PROXY protocol: " + message);
        }
    }

    /**
     * Reads the header at the start of {@code in}.
     *
     * @return the client's address; empty for a connection the proxy made itself (v2 LOCAL, a health
     *         check) or one it cannot describe (v1 UNKNOWN, v2 UNSPEC): the connection's own address stands
     */
    public static Optional<InetAddress> read(InputStream in) throws IOException {
        byte[] start = in.readNBytes(6);
        if (start.length < 6) throw new EOFException("connection closed before the PROXY header");
        if (Arrays.equals(start, V1)) return v1(in);
        if (Arrays.equals(start, Arrays.copyOf(V2, 6))) return v2(in);
        throw new Malformed("no PROXY header from a trusted proxy");
    }

    /** §2.1: {@code PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n} or {@code PROXY UNKNOWN ...\r\n}. */
    private static Optional<InetAddress> v1(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder("PROXY ");
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed inside the PROXY header");
            if (b == '\n') break;
            if (line.length() >= V1_MAX - 1) throw new Malformed("version 1 line longer than " + V1_MAX + " bytes");
            if (b < 0x20 && b != '\r' || b > 0x7e) throw new Malformed("version 1 line with a byte that is not printable ASCII");
            line.append((char) b);
        }
        if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') throw new Malformed("version 1 line without CRLF");
        String[] f = line.substring(0, line.length() - 1).split(" ", -1);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) return Optional.empty();
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) throw new Malformed("version 1 line not understood");
        int length = f[1].equals("TCP4") ? 4 : 16;
        InetAddress source = literal(f[2], length);
        literal(f[3], length);
        port(f[4]);
        port(f[5]);
        return Optional.of(source);
    }

    /** An address literal of the family the line named; never a name lookup. */
    private static InetAddress literal(String text, int length) throws Malformed {
        boolean ok = length == 4 ? text.matches("\\d{1,3}(\\.\\d{1,3}){3}") : text.matches("[0-9A-Fa-f:.]{2,45}") && text.contains(":");
        if (!ok) throw new Malformed("not an IPv" + (length == 4 ? "4" : "6") + " address: " + text);
        try {
            InetAddress a = InetAddress.getByName(text); // a literal: parsed, not resolved
            if (a.getAddress().length != length && !(length == 16 && a.getAddress().length == 4)) throw new Malformed("address family mismatch: " + text);
            return a;
        } catch (UnknownHostException e) {
            throw new Malformed("not an address: " + text);
        }
    }

    private static void port(String text) throws Malformed {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) throw new Malformed("not a port: " + text);
    }

    /** §2.2: signature, version and command, family and transport, length, addresses, TLVs (ignored). */
    private static Optional<InetAddress> v2(InputStream in) throws IOException {
        byte[] head = in.readNBytes(10);
        if (head.length < 10) throw new EOFException("connection closed inside the PROXY header");
        if (!Arrays.equals(head, 0, 6, V2, 6, 12)) throw new Malformed("bad version 2 signature");
        int versionCommand = head[6] & 0xff, family = head[7] & 0xff;
        int length = ((head[8] & 0xff) << 8) | (head[9] & 0xff);
        if (versionCommand >> 4 != 2) throw new Malformed("version " + (versionCommand >> 4) + " is not 2");
        if (length > V2_MAX) throw new Malformed("version 2 header of " + length + " bytes, more than " + V2_MAX);
        byte[] rest = in.readNBytes(length);
        if (rest.length < length) throw new EOFException("connection closed inside the PROXY header");
        int command = versionCommand & 0x0f;
        if (command == 0) return Optional.empty(); // LOCAL: the proxy's own connection (a health check)
        if (command != 1) throw new Malformed("unknown command " + command);
        return switch (family) {
            case 0x00 -> Optional.empty(); // UNSPEC
            case 0x11 -> Optional.of(address(rest, 4, 12)); // TCP over IPv4: 4 + 4 + 2 + 2
            case 0x21 -> Optional.of(address(rest, 16, 36)); // TCP over IPv6: 16 + 16 + 2 + 2
            default -> throw new Malformed("address family and transport 0x" + Integer.toHexString(family) + " not supported (TCP only)");
        };
    }

    private static InetAddress address(byte[] rest, int size, int needed) throws Malformed {
        if (rest.length < needed) throw new Malformed("version 2 addresses cut short");
        try {
            return InetAddress.getByAddress(Arrays.copyOf(rest, size));
        } catch (UnknownHostException e) {
            throw new Malformed("bad address");
        }
    }

    /** The addresses allowed to send a PROXY header (setting {@code proxy.trusted}): addresses and CIDR ranges. */
    public static final class Trusted {

        public static final Trusted NONE = new Trusted(List.of());

        private record Range(byte[] network, int bits) {
            boolean contains(InetAddress a) {
                byte[] b = a.getAddress();
                if (b.length != network.length) return false;
                for (int i = 0; i < bits; i++) {
                    int mask = 0x80 >> (i % 8);
                    if ((b[i / 8] & mask) != (network[i / 8] & mask)) return false;
                }
                return true;
            }
        }

        private final List<Range> ranges;

        private Trusted(List<Range> ranges) {
            this.ranges = ranges;
        }

        /** {@code "10.0.0.0/8, 192.0.2.7, ::1"}; blank for none. */
        public static Trusted parse(String list) {
            List<Range> out = new ArrayList<>();
            for (String item : list.split(",")) {
                String t = item.strip();
                if (t.isEmpty()) continue;
                int slash = t.indexOf('/');
                String host = slash < 0 ? t : t.substring(0, slash);
                if (!host.matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("not an address: " + t);
                byte[] network;
                try {
                    network = InetAddress.getByName(host).getAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("not an address: " + t);
                }
                int bits = network.length * 8;
                if (slash >= 0) {
                    String b = t.substring(slash + 1);
                    if (!b.matches("\\d{1,3}") || Integer.parseInt(b) > bits) throw new IllegalArgumentException("bad prefix length: " + t);
                    bits = Integer.parseInt(b);
                }
                out.add(new Range(network, bits));
            }
            return new Trusted(List.copyOf(out));
        }

        public boolean contains(InetAddress a) {
            for (Range r : ranges) if (r.contains(a)) return true;
            return false;
        }

        public boolean isEmpty() {
            return ranges.isEmpty();
        }
    }
}
