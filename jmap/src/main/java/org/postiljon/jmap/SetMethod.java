package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.MailboxException;

/**
 * What every /set shares (RFC 8620 §5.3): {@code ifInState}, the {@code maxObjectsInSet} limit,
 * creates, then updates, then destroys, each object's failure as its own SetError while the
 * others go on, created ids for later {@code #references}, and null for a map with nothing in it.
 */
final class SetMethod {

    interface Create {
        /** Creates one object; returns the properties the server set, {@code id} among them. */
        ObjectNode run(String creationId, JsonNode object);
    }

    interface Update {
        void run(String id, JsonNode patch);
    }

    interface Destroy {
        void run(String id);
    }

    /** A type that cannot do one of the three: every such request is refused with {@code type}. */
    static <T> T refuse(String type, String description) {
        throw new MethodError(type, description);
    }

    private SetMethod() { }

    /**
     * Runs a /set call. {@code commit} runs after the changes and before {@code newState} is read
     * (for types kept as one stored document).
     */
    static ObjectNode run(Call c, int maxObjects, Supplier<String> state, Create create, Update update, Destroy destroy, Runnable commit) {
        c.accountId();
        String oldState = state.get();
        Changes.checkState(c, oldState);
        ObjectNode creates = c.object("create");
        ObjectNode updates = c.object("update");
        ArrayNode destroys = c.array("destroy");
        int n = (creates == null ? 0 : creates.size()) + (updates == null ? 0 : updates.size()) + (destroys == null ? 0 : destroys.size());
        if (n > maxObjects) throw new MethodError("requestTooLarge", "more than " + maxObjects + " changes in one /set");
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode created = f.objectNode();
        ObjectNode notCreated = f.objectNode();
        ObjectNode updated = f.objectNode();
        ObjectNode notUpdated = f.objectNode();
        ArrayNode destroyed = f.arrayNode();
        ObjectNode notDestroyed = f.objectNode();
        if (creates != null) {
            for (var it = creates.fields(); it.hasNext(); ) {
                var e = it.next();
                try {
                    ObjectNode r = create.run(e.getKey(), e.getValue());
                    c.created.put(e.getKey(), r.get("id").asText());
                    created.set(e.getKey(), r);
                } catch (MethodError | MailboxException x) {
                    notCreated.set(e.getKey(), Errors.setError(x));
                }
            }
        }
        if (updates != null) {
            for (var it = updates.fields(); it.hasNext(); ) {
                var e = it.next();
                String id = c.resolve(e.getKey());
                try {
                    if (!e.getValue().isObject()) throw new MethodError("invalidPatch", "a patch is an object");
                    update.run(id, e.getValue());
                    updated.putNull(id);
                } catch (MethodError | MailboxException x) {
                    notUpdated.set(id, Errors.setError(x));
                }
            }
        }
        if (destroys != null) {
            for (JsonNode d : destroys) {
                String id = c.resolve(d.asText());
                try {
                    destroy.run(id);
                    destroyed.add(id);
                } catch (MethodError | MailboxException x) {
                    notDestroyed.set(id, Errors.setError(x));
                }
            }
        }
        commit.run();
        ObjectNode out = f.objectNode();
        out.put("accountId", c.accountId());
        out.put("oldState", oldState);
        out.put("newState", state.get());
        out.set("created", created.isEmpty() ? null : created);
        out.set("updated", updated.isEmpty() ? null : updated);
        out.set("destroyed", destroyed.isEmpty() ? null : destroyed);
        out.set("notCreated", notCreated.isEmpty() ? null : notCreated);
        out.set("notUpdated", notUpdated.isEmpty() ? null : notUpdated);
        out.set("notDestroyed", notDestroyed.isEmpty() ? null : notDestroyed);
        return out;
    }
}
