package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postiljon.mailbox.api.Account;

/**
 * One method call in a request: the signed-in account, the arguments, and the request's created
 * ids (RFC 8620 §3.3: {@code #creationId} may stand for an id made earlier in the same request).
 * A method answers with one response and may add more (an implicit Email/set after EmailSubmission).
 */
final class Call {

    final Account account;
    final ObjectNode args;
    final String callId;
    final Map<String, String> created;
    final List<Object[]> extra = new ArrayList<>();

    Call(Account account, ObjectNode args, String callId, Map<String, String> created) {
        this.account = account;
        this.args = args;
        this.callId = callId;
        this.created = created;
    }

    /** Checks {@code accountId}: only the user's own account is served. */
    String accountId() {
        JsonNode id = args.get("accountId");
        if (id == null || !id.isTextual()) throw MethodError.invalidArguments("accountId is required");
        if (!id.asText().equals(Jmap.accountId(account))) throw MethodError.accountNotFound();
        return id.asText();
    }

    /** An id, or the id created in this request for {@code #creationId}. */
    String resolve(String id) {
        if (id != null && id.startsWith("#")) {
            String real = created.get(id.substring(1));
            if (real == null) throw new MethodError("invalidArguments", "no object created as " + id);
            return real;
        }
        return id;
    }

    String text(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw MethodError.invalidArguments(name + " must be a string");
        return n.asText();
    }

    boolean flag(String name, boolean dflt) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw MethodError.invalidArguments(name + " must be true or false");
        return n.asBoolean();
    }

    long number(String name, long dflt, long min, long max) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToLong() || !n.isIntegralNumber()) throw MethodError.invalidArguments(name + " must be a whole number");
        long v = n.asLong();
        if (v < min || v > max) throw MethodError.invalidArguments(name + " must be between " + min + " and " + max);
        return v;
    }

    /** The {@code ids} argument: null for "all", else at most {@code max} ids (RFC 8620 §5.1). */
    List<String> ids(int max) {
        JsonNode n = args.get("ids");
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw MethodError.invalidArguments("ids must be an array or null");
        if (n.size() > max) throw new MethodError("requestTooLarge", "more than " + max + " ids in one request");
        List<String> out = new ArrayList<>();
        for (JsonNode i : n) {
            if (!i.isTextual()) throw MethodError.invalidArguments("ids must be strings");
            out.add(resolve(i.asText()));
        }
        return out;
    }

    /** The {@code properties} argument, or {@code dflt} when absent. */
    List<String> properties(List<String> dflt, java.util.Set<String> known) {
        JsonNode n = args.get("properties");
        if (n == null || n.isNull()) return dflt;
        if (!n.isArray()) throw MethodError.invalidArguments("properties must be an array or null");
        List<String> out = new ArrayList<>();
        for (JsonNode p : n) {
            if (!p.isTextual()) throw MethodError.invalidArguments("properties must be strings");
            String name = p.asText();
            if (!known.contains(name) && !name.startsWith("header:")) throw MethodError.invalidArguments("unknown property " + name);
            out.add(name);
        }
        if (!out.contains("id")) out.add("id");
        return out;
    }

    ObjectNode object(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw MethodError.invalidArguments(name + " must be an object");
        return (ObjectNode) n;
    }

    ArrayNode array(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw MethodError.invalidArguments(name + " must be an array");
        return (ArrayNode) n;
    }

    void also(String method, ObjectNode response) {
        extra.add(new Object[] {method, response});
    }

    static Map<String, String> newCreated() {
        return new HashMap<>();
    }
}
