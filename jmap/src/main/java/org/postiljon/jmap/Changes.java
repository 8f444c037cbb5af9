package org.postiljon.jmap;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The /changes answer (RFC 8620 §5.2) from changes in MODSEQ order. States are MODSEQs, so a
 * response cut at {@code maxChanges} ends at the MODSEQ of the last change it includes (an
 * intermediate state the client can continue from), never in the middle of one MODSEQ.
 */
final class Changes {

    enum Kind { CREATED, UPDATED, DESTROYED }

    record Entry(long modSeq, String id, Kind kind) { }

    private Changes() { }

    static long sinceState(Call call) {
        String s = call.text("sinceState");
        if (s == null) throw MethodError.invalidArguments("sinceState is required");
        if (!s.matches("[0-9]{1,18}")) throw new MethodError("cannotCalculateChanges", "unknown state " + s);
        return Long.parseLong(s);
    }

    static ObjectNode answer(Call call, long since, long current, List<Entry> entries) {
        long max = call.number("maxChanges", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        if (since > current) throw new MethodError("cannotCalculateChanges", "state " + since + " is from the future");
        Map<String, Kind> net = new LinkedHashMap<>();
        Map<String, Long> firstSeen = new LinkedHashMap<>();
        Map<String, Boolean> existedBefore = new LinkedHashMap<>();
        long newState = current;
        boolean more = false;
        long lastModSeq = since;
        for (Entry e : entries) {
            if (!net.containsKey(e.id()) && net.size() >= max && e.modSeq() != lastModSeq) {
                if (lastModSeq == since) throw new MethodError("cannotCalculateChanges", "more changes at one state than maxChanges");
                newState = lastModSeq;
                more = true;
                break;
            }
            lastModSeq = e.modSeq();
            // It existed before the window unless everything at its first MODSEQ here created it
            // (a move is an expunge and an append at one MODSEQ: the Email existed).
            long first = firstSeen.computeIfAbsent(e.id(), k -> e.modSeq());
            if (e.modSeq() == first && e.kind() != Kind.CREATED) existedBefore.put(e.id(), true);
            else existedBefore.putIfAbsent(e.id(), false);
            net.put(e.id(), e.kind());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", Jmap.accountId(call.account));
        out.put("oldState", Long.toString(since));
        out.put("newState", Long.toString(newState));
        out.put("hasMoreChanges", more);
        var created = out.putArray("created");
        var updated = out.putArray("updated");
        var destroyed = out.putArray("destroyed");
        for (var e : net.entrySet()) {
            boolean before = existedBefore.get(e.getKey());
            if (e.getValue() == Kind.DESTROYED) {
                if (before) destroyed.add(e.getKey()); // created and destroyed in between: not mentioned
            } else {
                (before ? updated : created).add(e.getKey());
            }
        }
        return out;
    }

    /** RFC 8620 §5.3: {@code ifInState} must match the current state. */
    static void checkState(Call call, String current) {
        String want = call.text("ifInState");
        if (want != null && !want.equals(current)) throw MethodError.stateMismatch(want, current);
    }
}
