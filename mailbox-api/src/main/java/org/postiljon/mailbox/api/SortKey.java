package org.postiljon.mailbox.api;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One key of a sort (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO). Strings are the keys stored at
 * delivery, compared by {@link Collation} (i;unicode-casemap); a missing value is the empty
 * string; a missing Date is the internal date; ties keep mailbox (UID) order. The store sorts a
 * folder by the same rule in SQL; {@link #order} is the rule in memory (a search across folders).
 */
public record SortKey(Field field, boolean reverse) {

    public enum Field { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

    /** The order {@code keys} give, for messages with their info and stored keys (keys may be null). */
    public static <T> Comparator<T> order(List<SortKey> keys, Function<T, MessageInfo> info, Function<T, MessageKeys> stored) {
        Comparator<T> order = (a, b) -> 0;
        for (SortKey k : keys) {
            Comparator<T> one = switch (k.field()) {
                case ARRIVAL -> Comparator.comparing(t -> info.apply(t).internalDate());
                case SIZE -> Comparator.comparingLong(t -> info.apply(t).size());
                // RFC 5256 §3: without a usable Date, the internal date.
                case DATE -> Comparator.comparing(t -> {
                    MessageKeys m = stored.apply(t);
                    return m == null || m.sentDate() == null ? info.apply(t).internalDate() : m.sentDate();
                });
                case FROM -> text(stored, MessageKeys::sortFrom);
                case TO -> text(stored, MessageKeys::sortTo);
                case CC -> text(stored, MessageKeys::sortCc);
                case SUBJECT -> text(stored, MessageKeys::baseSubject);
                // RFC 5957 §3: the display name, else the address.
                case DISPLAYFROM -> text(stored, m -> m.displayFrom() != null ? m.displayFrom() : m.sortFrom());
                case DISPLAYTO -> text(stored, m -> m.displayTo() != null ? m.displayTo() : m.sortTo());
            };
            order = order.thenComparing(k.reverse() ? one.reversed() : one);
        }
        return order;
    }

    private static <T> Comparator<T> text(Function<T, MessageKeys> stored, Function<MessageKeys, String> field) {
        return Comparator.comparing(t -> {
            MessageKeys m = stored.apply(t);
            String v = m == null ? null : field.apply(m);
            return v == null ? "" : v;
        }, Collation.ORDER);
    }
}
