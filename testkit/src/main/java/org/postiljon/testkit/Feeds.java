package org.postiljon.testkit;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The ways a network may hand a parser the same bytes (ARCHITECTURE.md: parser tests with input
 * split at every byte): whole, one byte per read, and in two reads split after each byte.
 */
public final class Feeds {

    /** One way of feeding, named for the assertion message. */
    public record Feed(String name, InputStream in) { }

    private Feeds() { }

    /** Hands out one byte per read, as the slowest network would. */
    public static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }

    /** Every way to feed {@code wire}: whole, one byte per read, and split in two after each byte. */
    public static List<Feed> of(byte[] wire) {
        List<Feed> out = new ArrayList<>();
        out.add(new Feed("whole", new ByteArrayInputStream(wire)));
        out.add(new Feed("one byte per read", trickle(new ByteArrayInputStream(wire))));
        for (int cut = 1; cut < wire.length; cut++) {
            out.add(new Feed("split after " + cut + " bytes",
                    new SequenceInputStream(new ByteArrayInputStream(wire, 0, cut), new ByteArrayInputStream(wire, cut, wire.length - cut))));
        }
        return out;
    }
}
