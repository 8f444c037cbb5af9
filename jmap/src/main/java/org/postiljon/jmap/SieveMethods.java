package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.SieveScripts;

/**
 * JMAP for Sieve Scripts (RFC 9661): SieveScript/get, /changes, /query, /queryChanges, /set
 * (with onSuccessActivateScript and onSuccessDeactivateScript) and SieveScript/validate, over the
 * same scripts ManageSieve and delivery use. A script's content is a blob: uploaded first, named
 * by its SHA-256 ({@code B...}, as every upload), so the blobId a client uploaded is the one it
 * reads back, and a download finds the script's text after the upload has expired.
 */
final class SieveMethods {

    static final String SIEVE = "urn:ietf:params:jmap:sieve";
    /** RFC 5804 §1.6's bound on a script name, in characters; the one ManageSieve keeps. */
    static final int MAX_NAME = 128;
    /** The longest script kept (the bound docs/filters.md gives). */
    static final int MAX_SCRIPT = 256 * 1024;
    private static final Set<String> PROPERTIES = Set.of("id", "name", "blobId", "isActive");

    private final JmapServices svc;
    private final Blobs blobs;

    SieveMethods(JmapServices svc, Blobs blobs) {
        this.svc = svc;
        this.blobs = blobs;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("SieveScript/get", this::get);
        m.put("SieveScript/set", this::set);
        m.put("SieveScript/query", this::query);
        m.put("SieveScript/changes", c -> sameOrCannot(c, "oldState", "newState"));
        m.put("SieveScript/queryChanges", c -> sameOrCannot(c, "oldQueryState", "newQueryState"));
        m.put("SieveScript/validate", this::validate);
    }

    /** RFC 9661 §2: the account's capability. */
    ObjectNode capability() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("implementation", "Postiljon");
        o.put("maxSizeScriptName", MAX_NAME);
        o.put("maxSizeScript", MAX_SCRIPT);
        o.put("maxNumberScripts", SieveScripts.MAX_SCRIPTS);
        o.put("maxNumberRedirects", svc.sieveScripts().maxRedirects());
        ArrayNode ext = o.putArray("sieveExtensions");
        svc.sieveScripts().extensions().forEach(ext::add);
        o.putNull("notificationMethods");
        o.putNull("externalLists");
        return o;
    }

    static String id(SieveScripts.Script s) {
        return "S" + Long.toString(s.id(), 36);
    }

    /** A script's content as a blob id: the SHA-256 of its UTF-8 octets, as an upload of those octets is named. */
    static String blobId(String content) {
        return blobId(content.getBytes(StandardCharsets.UTF_8));
    }

    static String blobId(byte[] content) {
        try {
            return "B" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String state(Account a) {
        StringBuilder b = new StringBuilder();
        for (SieveScripts.Script s : svc.sieveScripts().list(a)) b.append(s.id()).append('/').append(s.name()).append('/').append(blobId(s.content())).append(s.active());
        return "s" + Integer.toHexString(b.toString().hashCode());
    }

    private ObjectNode json(SieveScripts.Script s, List<String> properties) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id(s));
        if (properties.contains("name")) o.put("name", s.name());
        if (properties.contains("blobId")) o.put("blobId", blobId(s.content()));
        if (properties.contains("isActive")) o.put("isActive", s.active());
        return o;
    }

    private Optional<SieveScripts.Script> find(Account a, String id) {
        return svc.sieveScripts().list(a).stream().filter(s -> id(s).equals(id)).findFirst();
    }

    private ObjectNode get(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        List<String> props = c.properties(List.copyOf(PROPERTIES), PROPERTIES);
        List<SieveScripts.Script> all = svc.sieveScripts().list(c.account);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put("state", state(c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        if (ids == null) {
            for (SieveScripts.Script s : all) list.add(json(s, props));
        } else {
            for (String id : ids) {
                Optional<SieveScripts.Script> s = all.stream().filter(x -> id(x).equals(id)).findFirst();
                if (s.isPresent()) list.add(json(s.get(), props)); else notFound.add(id);
            }
        }
        return out;
    }

    /** RFC 9661 §2.3: filter on name (contained) and isActive, sort by name or isActive. */
    private ObjectNode query(Call c) {
        c.accountId();
        ObjectNode filter = c.object("filter");
        String name = filter == null ? null : text(filter, "name");
        Boolean active = filter == null || !filter.has("isActive") ? null : bool(filter, "isActive");
        if (filter != null) {
            for (var it = filter.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("name") && !f.equals("isActive")) throw new MethodError("unsupportedFilter", "SieveScript filters on name and isActive, not " + f);
            }
        }
        List<SieveScripts.Script> found = new ArrayList<>();
        for (SieveScripts.Script s : svc.sieveScripts().list(c.account)) {
            if (name != null && !s.name().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT))) continue;
            if (active != null && s.active() != active) continue;
            found.add(s);
        }
        Comparator<SieveScripts.Script> order = null;
        ArrayNode sort = c.array("sort");
        if (sort != null) {
            for (JsonNode k : sort) {
                String property = k.path("property").asText();
                Comparator<SieveScripts.Script> one = switch (property) {
                    case "name" -> Comparator.comparing(SieveScripts.Script::name);
                    case "isActive" -> Comparator.comparing(SieveScripts.Script::active);
                    default -> throw new MethodError("unsupportedSort", "SieveScript sorts by name or isActive, not " + property);
                };
                if (!k.path("isAscending").asBoolean(true)) one = one.reversed();
                order = order == null ? one : order.thenComparing(one);
            }
        }
        if (order != null) found.sort(order);
        return MailboxMethods.page(c, found.stream().map(SieveMethods::id).toList(), state(c.account));
    }

    private static String text(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw MethodError.invalidArguments(field + " must be a string");
        return n.asText();
    }

    private static boolean bool(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isBoolean()) throw MethodError.invalidArguments(field + " must be true or false");
        return n.asBoolean();
    }

    private ObjectNode sameOrCannot(Call c, String oldName, String newName) {
        c.accountId();
        String state = state(c.account);
        String since = c.text(oldName.equals("oldState") ? "sinceState" : "sinceQueryState");
        if (!state.equals(since)) throw new MethodError("cannotCalculateChanges", "fetch the scripts again");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put(oldName, state).put(newName, state);
        if (oldName.equals("oldState")) {
            out.put("hasMoreChanges", false);
            out.putArray("created");
            out.putArray("updated");
            out.putArray("destroyed");
        } else {
            out.putArray("removed");
            out.putArray("added");
        }
        return out;
    }

    /** The text of an uploaded script: UTF-8 (RFC 5228 §2.1), at most {@link #MAX_SCRIPT} octets. */
    private String script(Account a, String blobId) {
        Optional<Blobs.Blob> blob = blobs.open(a, blobId);
        if (blob.isEmpty()) throw new MethodError("blobNotFound", "no blob " + blobId + " (upload the script first)");
        byte[] bytes;
        try (InputStream in = blob.get().content()) {
            bytes = in.readNBytes(MAX_SCRIPT + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_SCRIPT) throw new MethodError("tooLarge", "a script is at most " + MAX_SCRIPT + " octets");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MethodError("invalidSieve", "a Sieve script is UTF-8 (RFC 5228 §2.1)");
        }
    }

    /** The content checked: {@code invalidSieve} with the fault and its line (RFC 9661 §2.4). */
    private String checked(Account a, String blobId) {
        String text = script(a, blobId);
        Optional<String> fault = svc.sieveScripts().check(text);
        if (fault.isPresent()) throw new MethodError("invalidSieve", fault.get());
        return text;
    }

    private static String name(JsonNode v) {
        JsonNode n = v.get("name");
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new MethodError("invalidProperties", "name must be a string");
        String s = n.asText();
        if (s.isEmpty() || s.codePointCount(0, s.length()) > MAX_NAME || s.codePoints().anyMatch(Character::isISOControl)) {
            throw new MethodError("invalidProperties", "a script name is 1 to " + MAX_NAME + " characters without control characters");
        }
        return s;
    }

    private static void only(JsonNode v, Set<String> allowed) {
        for (var it = v.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("id") || f.equals("isActive")) throw new MethodError("invalidProperties", f + " is set by the server");
            if (!allowed.contains(f)) throw new MethodError("invalidProperties", "a SieveScript has no property " + f);
        }
    }

    /**
     * RFC 9661 §2.2: creates (name and blobId; a name chosen when null), updates (name, blobId),
     * destroys (not the active script: sieveIsActive), then, when every change succeeded, the
     * activation asked for.
     */
    private ObjectNode set(Call c) {
        c.accountId();
        String activate = c.text("onSuccessActivateScript");
        boolean deactivate = c.flag("onSuccessDeactivateScript", false);
        if (activate != null && deactivate) throw MethodError.invalidArguments("onSuccessActivateScript and onSuccessDeactivateScript exclude each other");
        Account a = c.account;
        SieveScripts scripts = svc.sieveScripts();
        ObjectNode out = SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> state(a), (creationId, v) -> {
            only(v, Set.of("name", "blobId"));
            String blobId = v.path("blobId").isTextual() ? v.get("blobId").asText() : null;
            if (blobId == null) throw new MethodError("invalidProperties", "blobId is required");
            String text = checked(a, blobId);
            String name = name(v);
            if (name == null) {
                int n = 1;
                while (scripts.get(a, name = "script-" + n).isPresent()) n++;
            }
            if (scripts.get(a, name).isPresent()) throw new MethodError("alreadyExists", "a script is called " + name + " already");
            if (scripts.list(a).size() >= SieveScripts.MAX_SCRIPTS) throw new MethodError("overQuota", "an account keeps at most " + SieveScripts.MAX_SCRIPTS + " scripts");
            scripts.put(a, name, text);
            SieveScripts.Script made = scripts.get(a, name).orElseThrow();
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("id", id(made)).put("name", name).put("blobId", blobId(text)).put("isActive", false);
            return r;
        }, (id, patch) -> {
            SieveScripts.Script s = find(a, id).orElseThrow(() -> new MethodError("notFound", "no script " + id));
            only(patch, Set.of("name", "blobId"));
            String text = patch.has("blobId") ? checked(a, patch.get("blobId").asText()) : null;
            String name = patch.has("name") ? name(patch) : null;
            if (name != null && !name.equals(s.name())) {
                if (scripts.get(a, name).isPresent()) throw new MethodError("alreadyExists", "a script is called " + name + " already");
                scripts.rename(a, s.name(), name);
            }
            if (text != null) scripts.put(a, name == null ? s.name() : name, text);
        }, id -> {
            SieveScripts.Script s = find(a, id).orElseThrow(() -> new MethodError("notFound", "no script " + id));
            if (s.active()) throw new MethodError("sieveIsActive", "the active script cannot be destroyed; deactivate it first");
            scripts.delete(a, s.name());
        }, () -> { });
        boolean failed = !out.path("notCreated").isNull() || !out.path("notUpdated").isNull() || !out.path("notDestroyed").isNull();
        if (!failed && (activate != null || deactivate)) {
            SieveScripts.Script before = scripts.list(a).stream().filter(SieveScripts.Script::active).findFirst().orElse(null);
            String target = null;
            if (activate != null) {
                String real = c.resolve(activate);
                target = find(a, real).map(SieveScripts.Script::name)
                        .orElseThrow(() -> MethodError.invalidArguments("onSuccessActivateScript names no script: " + activate));
            }
            scripts.activate(a, target);
            // The implicit update (RFC 9661 §2.2): each script whose isActive changed.
            ObjectNode updated = out.path("updated").isObject() ? (ObjectNode) out.get("updated") : JsonNodeFactory.instance.objectNode();
            for (SieveScripts.Script s : scripts.list(a)) {
                boolean was = before != null && before.id() == s.id();
                if (was != s.active()) updated.set(id(s), JsonNodeFactory.instance.objectNode().put("isActive", s.active()));
            }
            out.set("updated", updated.isEmpty() ? null : updated);
            out.put("newState", state(a));
        }
        return out;
    }

    /** RFC 9661 §2.4: whether the blob is a script this server would keep; the error as a SetError, else null. */
    private ObjectNode validate(Call c) {
        c.accountId();
        String blobId = c.text("blobId");
        if (blobId == null) throw MethodError.invalidArguments("blobId is required");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId());
        try {
            checked(c.account, blobId);
            out.putNull("error");
        } catch (MethodError e) {
            out.set("error", Errors.setError(e.type, e.getMessage()));
        }
        return out;
    }
}
