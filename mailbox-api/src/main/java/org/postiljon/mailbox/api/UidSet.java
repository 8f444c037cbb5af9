package org.postiljon.mailbox.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of UIDs as sorted, disjoint, inclusive ranges. Its size in memory is bounded by the number
 * of ranges, never by the number of UIDs, so {@code 1:4294967295} costs one range.
 */
public record UidSet(List<Range> ranges) {

    public static final long MAX_UID = 0xFFFF_FFFFL; // RFC 9051 §2.3.1.1: nz-number is 32-bit
    public static final int MAX_RANGES = 100_000;
    public static final UidSet ALL = new UidSet(List.of(new Range(1, MAX_UID)));

    public record Range(long first, long last) {
        public Range {
            if (first < 1 || last > MAX_UID || first > last) throw new IllegalArgumentException("bad UID range " + first + ":" + last);
        }
    }

    public UidSet {
        if (ranges.size() > MAX_RANGES) throw new MailboxException.InvalidName("more than " + MAX_RANGES + " ranges in a UID set");
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::first));
        List<Range> merged = new ArrayList<>();
        for (Range r : sorted) {
            if (!merged.isEmpty() && merged.getLast().last() + 1 >= r.first()) {
                Range prev = merged.removeLast();
                merged.add(new Range(prev.first(), Math.max(prev.last(), r.last())));
            } else {
                merged.add(r);
            }
        }
        ranges = List.copyOf(merged);
    }

    public static UidSet of(long... uids) {
        long[] sorted = uids.clone();
        java.util.Arrays.sort(sorted);
        return ofSorted(sorted);
    }

    /** The set of the given ascending UIDs, runs of consecutive UIDs joined into one range each. */
    public static UidSet ofSorted(long[] uids) {
        List<Range> rs = new ArrayList<>();
        for (int i = 0; i < uids.length; ) {
            int j = i;
            while (j + 1 < uids.length && uids[j + 1] == uids[j] + 1) j++;
            rs.add(new Range(uids[i], uids[j]));
            i = j + 1;
        }
        return new UidSet(rs);
    }

    public static UidSet range(long first, long last) {
        return new UidSet(List.of(new Range(first, last)));
    }

    public boolean contains(long uid) {
        int lo = 0, hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = ranges.get(mid);
            if (uid < r.first()) hi = mid - 1;
            else if (uid > r.last()) lo = mid + 1;
            else return true;
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Range r : ranges) {
            if (!b.isEmpty()) b.append(',');
            b.append(r.first());
            if (r.last() != r.first()) b.append(':').append(r.last());
        }
        return b.toString();
    }
}
