package org.postiljon.mailauth;

import java.net.InetAddress;
import java.util.List;

/**
 * The DNS as SPF and DMARC need it: TXT records (as DKIM), addresses, mail exchangers and
 * reverse names. Each answer is empty when the name does not exist or has no record of the type
 * (RFC 7208 §4.6.4 counts both as a "void lookup").
 */
public interface Dns extends KeyLookup {

    /** Nothing anywhere: every name is unknown (for tests, and a node told not to ask). */
    Dns NONE = new Dns() {
        @Override
        public List<String> txt(String name) {
            return List.of();
        }

        @Override
        public List<InetAddress> addresses(String name, boolean ipv6) {
            return List.of();
        }

        @Override
        public List<String> mx(String name) {
            return List.of();
        }

        @Override
        public List<String> ptr(InetAddress address) {
            return List.of();
        }
    };

    /** The A records of {@code name}, or its AAAA records when {@code ipv6}. */
    List<InetAddress> addresses(String name, boolean ipv6) throws TemporaryFailure;

    /** The mail exchangers of {@code name}, most preferred first, without a trailing dot; a null MX (RFC 7505) gives none. */
    List<String> mx(String name) throws TemporaryFailure;

    /** The PTR names of {@code address}, without a trailing dot. */
    List<String> ptr(InetAddress address) throws TemporaryFailure;
}
