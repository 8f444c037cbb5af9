package org.postiljon.jmap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JMAP (RFC 8620 Core, RFC 8621 Mail, RFC 9425 Quota) without HTTP: the session object, the API
 * endpoint's request processing with result references, uploads, downloads and push. The web
 * module carries these over HTTP; the methods call only the mailbox model.
 */
public final class Jmap {

    private static final Logger log = LoggerFactory.getLogger(Jmap.class);

    public static final String CORE = "urn:ietf:params:jmap:core";
    public static final String MAIL = "urn:ietf:params:jmap:mail";
    public static final String SUBMISSION = "urn:ietf:params:jmap:submission";
    public static final String QUOTA = "urn:ietf:params:jmap:quota";
    public static final String VACATION = "urn:ietf:params:jmap:vacationresponse";
    /** Ours: Email/get can return the HTML body sanitised on the server (the webmail shows only that). */
    public static final String WEBMAIL = "urn:postiljon:params:jmap:webmail";
    public static final String SIEVE = SieveMethods.SIEVE;
    static final Set<String> KNOWN = Set.of(CORE, MAIL, SUBMISSION, QUOTA, VACATION, WEBMAIL, SIEVE);

    static final ObjectMapper JSON = new ObjectMapper();
    static {
        // Bounded parsing (hostile input): nesting and string length.
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(20_000_000).build());
    }

    interface Method {
        ObjectNode run(Call call);
    }

    private final JmapServices services;
    private final Map<String, Method> methods = new HashMap<>();
    private final Blobs blobs;
    private final Push push;
    private final SieveMethods sieve;

    public Jmap(JmapServices services) {
        this.services = services;
        this.blobs = new Blobs(services);
        this.sieve = new SieveMethods(services, blobs);
        this.push = new Push(services);
        methods.put("Core/echo", c -> c.args);
        new MailboxMethods(services).register(methods);
        new EmailMethods(services, blobs).register(methods);
        new EmailQuery(services).register(methods);
        new ThreadMethods(services).register(methods);
        new SearchSnippets(services).register(methods);
        new AccountMethods(services).register(methods);
        new SubmissionMethods(services).register(methods);
        sieve.register(methods);
    }

    public static String accountId(Account a) {
        return "A" + Long.toHexString(a.id());
    }

    /** The account's one state string for every type: its MODSEQ (RFC 8620 §1.6: opaque, changes when anything changes). */
    static String state(JmapServices svc, Account a) {
        return Request.remember("state " + a.id(), () -> Long.toString(svc.messages().highestModSeq(a)));
    }

    /**
     * What one API request reads again and again (the state, the account's mailboxes), read once per
     * request: a memo for the request's thread, used only by methods that only read, and forgotten
     * after every method that may write.
     */
    static final class Request {
        private static final ThreadLocal<Map<String, Object>> MEMO = new ThreadLocal<>();
        /** The method running on this thread, while it may write: then nothing is remembered. */
        private static final ThreadLocal<Boolean> WRITING = new ThreadLocal<>();

        private Request() { }

        @SuppressWarnings("unchecked")
        static <T> T remember(String key, java.util.function.Supplier<T> read) {
            Map<String, Object> memo = MEMO.get();
            if (memo == null || Boolean.TRUE.equals(WRITING.get())) return read.get();
            Object v = memo.get(key);
            if (v == null) {
                v = read.get();
                memo.put(key, v);
            }
            return (T) v;
        }

        private static boolean readOnly(String method) {
            return method.endsWith("/get") || method.endsWith("/query") || method.endsWith("/changes")
                    || method.endsWith("/queryChanges") || method.equals("Core/echo");
        }

        static void before(String method) {
            WRITING.set(!readOnly(method));
        }

        /** After a method that may have changed something (…/set, …/import, …/copy), later methods read again. */
        static void after(String method) {
            WRITING.remove();
            Map<String, Object> memo = MEMO.get();
            if (memo != null && !readOnly(method)) memo.clear();
        }
    }

    /** The session resource (RFC 8620 §2) for {@code base}, the server's URL without a trailing slash. */
    public ObjectNode session(Account account, String base) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        ObjectNode caps = s.putObject("capabilities");
        JmapLimits l = services.limits();
        ObjectNode core = caps.putObject(CORE);
        core.put("maxSizeUpload", l.maxSizeUpload());
        core.put("maxConcurrentUpload", l.maxConcurrentUpload());
        core.put("maxSizeRequest", l.maxSizeRequest());
        core.put("maxConcurrentRequests", MAX_CONCURRENT_REQUESTS);
        core.put("maxCallsInRequest", l.maxCallsInRequest());
        core.put("maxObjectsInGet", l.maxObjectsInGet());
        core.put("maxObjectsInSet", l.maxObjectsInSet());
        core.putArray("collationAlgorithms").add("i;ascii-casemap").add("i;unicode-casemap");
        for (String c : List.of(MAIL, SUBMISSION, QUOTA, VACATION, WEBMAIL, SIEVE)) caps.putObject(c);
        String id = accountId(account);
        ObjectNode acc = s.putObject("accounts").putObject(id);
        acc.put("name", account.address().toString());
        acc.put("isPersonal", true);
        acc.put("isReadOnly", false);
        ObjectNode ac = acc.putObject("accountCapabilities");
        ObjectNode mail = ac.putObject(MAIL);
        mail.put("maxMailboxesPerEmail", (Integer) null);
        mail.put("maxMailboxDepth", l.maxMailboxDepth());
        mail.put("maxSizeMailboxName", 255);
        mail.put("maxSizeAttachmentsPerEmail", l.maxSizeUpload());
        mail.putArray("emailQuerySortOptions").add("receivedAt").add("sentAt").add("size").add("from").add("to").add("subject");
        mail.put("mayCreateTopLevelMailbox", true);
        ObjectNode sub = ac.putObject(SUBMISSION);
        sub.put("maxDelayedSend", 0);
        sub.putObject("submissionExtensions");
        ac.putObject(QUOTA);
        ac.putObject(VACATION);
        ac.putObject(CORE);
        ac.putObject(WEBMAIL);
        ac.set(SIEVE, sieve.capability());
        ObjectNode primary = s.putObject("primaryAccounts");
        for (String c : List.of(MAIL, SUBMISSION, QUOTA, VACATION, WEBMAIL, SIEVE)) primary.put(c, id);
        s.put("username", account.address().toString());
        s.put("apiUrl", base + "/jmap/api");
        s.put("downloadUrl", base + "/jmap/download/{accountId}/{blobId}/{name}?type={type}");
        s.put("uploadUrl", base + "/jmap/upload/{accountId}/");
        s.put("eventSourceUrl", base + "/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}");
        s.put("state", state(services, account));
        return s;
    }

    /**
     * Runs an API request (RFC 8620 §3.3) and returns the response object.
     * @throws RequestError when the request as a whole is refused
     */
    /** API requests one account may have running at once (RFC 8620 §2 maxConcurrentRequests; the HTTP host enforces it). */
    public static final int MAX_CONCURRENT_REQUESTS = 8;

    public ObjectNode api(Account account, InputStream body) throws IOException {
        Request.MEMO.set(new java.util.HashMap<>());
        try {
            return run(account, body);
        } finally {
            Request.MEMO.remove();
        }
    }

    private ObjectNode run(Account account, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(services.limits().maxSizeRequest() + 1);
        if (bytes.length > services.limits().maxSizeRequest()) {
            throw RequestError.limit("maxSizeRequest", "the request is larger than " + services.limits().maxSizeRequest() + " octets");
        }
        JsonNode req;
        try {
            req = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw RequestError.notJson("the request is not valid JSON: " + e.getOriginalMessage());
        }
        if (req == null || !req.isObject()) throw RequestError.notRequest("the request must be a JSON object");
        JsonNode using = req.get("using");
        JsonNode calls = req.get("methodCalls");
        if (using == null || !using.isArray() || calls == null || !calls.isArray()) {
            throw RequestError.notRequest("the request needs \"using\" and \"methodCalls\" arrays");
        }
        Set<String> used = new java.util.HashSet<>();
        for (JsonNode u : using) {
            if (!u.isTextual()) throw RequestError.notRequest("\"using\" holds capability names");
            if (!KNOWN.contains(u.asText())) throw RequestError.unknownCapability(u.asText());
            used.add(u.asText());
        }
        if (calls.size() > services.limits().maxCallsInRequest()) {
            throw RequestError.limit("maxCallsInRequest", "more than " + services.limits().maxCallsInRequest() + " method calls");
        }
        Map<String, String> created = Call.newCreated();
        JsonNode createdIn = req.get("createdIds");
        if (createdIn != null && createdIn.isObject()) createdIn.fields().forEachRemaining(e -> created.put(e.getKey(), e.getValue().asText()));
        ArrayNode responses = JsonNodeFactory.instance.arrayNode();
        long[] budget = {services.limits().maxSizeResponse()};
        for (JsonNode c : calls) {
            if (!c.isArray() || c.size() != 3 || !c.get(0).isTextual() || !c.get(1).isObject() || !c.get(2).isTextual()) {
                throw RequestError.notRequest("each method call is [name, arguments, call id]");
            }
            String name = c.get(0).asText();
            String callId = c.get(2).asText();
            try {
                ObjectNode args = resolveReferences((ObjectNode) c.get(1), responses, budget[0]);
                Method m = methods.get(name);
                if (m == null) throw new MethodError("unknownMethod", "no method " + name);
                if (!used.contains(capabilityOf(name))) throw new MethodError("unknownMethod", name + " needs " + capabilityOf(name) + " in \"using\"");
                Call call = new Call(account, args, callId, created);
                ObjectNode out;
                Request.before(name);
                try {
                    out = m.run(call);
                } finally {
                    Request.after(name);
                }
                // Weighed before it joins the response: what it would add to the written size.
                long w = weight(out, budget[0]);
                for (Object[] x : call.extra) w += weight((ObjectNode) x[1], budget[0] - w);
                if (w > budget[0]) throw tooLarge();
                budget[0] -= w;
                responses.addArray().add(name).add(out).add(callId);
                for (Object[] x : call.extra) responses.addArray().add((String) x[0]).add((ObjectNode) x[1]).add(callId);
            } catch (MethodError e) {
                responses.add(error(e.type, e.getMessage(), callId));
            } catch (MailboxException e) {
                responses.add(error(Errors.typeOf(e), e.getMessage(), callId));
            } catch (RuntimeException e) {
                log.error("JMAP {} failed", name, e);
                responses.add(error("serverFail", "internal error", callId));
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("methodResponses", responses);
        if (createdIn != null) {
            ObjectNode ids = out.putObject("createdIds");
            created.forEach(ids::put);
        }
        out.put("sessionState", state(services, account));
        return out;
    }

    private static String capabilityOf(String method) {
        String type = method.substring(0, Math.max(0, method.indexOf('/')));
        return switch (type) {
            case "Core" -> CORE;
            case "Identity", "EmailSubmission" -> SUBMISSION;
            case "Quota" -> QUOTA;
            case "VacationResponse" -> VACATION;
            case "SieveScript" -> SIEVE;
            case "UserSetting", "AppPassword", "Password", "TwoFactor" -> WEBMAIL;
            default -> MAIL;
        };
    }

    private static ArrayNode error(String type, String description, String callId) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        ObjectNode e = a.add("error").addObject();
        e.put("type", type);
        if (description != null) e.put("description", description);
        a.add(callId);
        return a;
    }

    private MethodError tooLarge() {
        // RFC 8620 §3.6.2: the call is refused, the request goes on (later references to it fail).
        return new MethodError("requestTooLarge", "the response would be larger than " + services.limits().maxSizeResponse()
                + " octets; ask for less at a time");
    }

    /**
     * About how many octets {@code node} takes when written, counted until {@code limit} is passed
     * (then {@code limit + 1}): the same node referenced many times counts each time, as it is
     * written each time.
     */
    static long weight(JsonNode node, long limit) {
        long total = 0;
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isContainerNode()) {
                total += 2;
                if (n.isObject()) for (var it = n.fieldNames(); it.hasNext(); ) total += it.next().length() + 4;
                for (JsonNode child : n) todo.push(child);
            } else {
                total += n.isTextual() ? n.textValue().length() + 2 : n.isBinary() ? n.size() * 4 / 3 + 2 : 8;
            }
            if (total > limit) return limit + 1;
        }
        return total;
    }

    /**
     * RFC 8620 §3.7: arguments named {@code #name} are taken from an earlier response; what they
     * bring in together is bounded by what is left of the response's size.
     */
    private ObjectNode resolveReferences(ObjectNode args, ArrayNode responses, long budget) {
        ObjectNode out = null;
        long brought = 0;
        for (var it = args.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().startsWith("#")) continue;
            String plain = e.getKey().substring(1);
            if (args.has(plain)) throw MethodError.invalidArguments("both " + plain + " and #" + plain + " given");
            JsonNode ref = e.getValue();
            if (!ref.isObject() || !ref.path("resultOf").isTextual() || !ref.path("name").isTextual() || !ref.path("path").isTextual()) {
                throw new MethodError("invalidResultReference", "a result reference needs resultOf, name and path");
            }
            JsonNode result = null;
            for (JsonNode r : responses) {
                if (r.get(2).asText().equals(ref.get("resultOf").asText())) {
                    if (!r.get(0).asText().equals(ref.get("name").asText())) {
                        throw new MethodError("invalidResultReference", "the response of " + ref.get("resultOf").asText() + " is not " + ref.get("name").asText());
                    }
                    result = r.get(1);
                    break;
                }
            }
            if (result == null) throw new MethodError("invalidResultReference", "no response with call id " + ref.get("resultOf").asText());
            JsonNode value = pointer(result, ref.get("path").asText());
            if (value == null) throw new MethodError("invalidResultReference", "path " + ref.get("path").asText() + " leads nowhere");
            brought += weight(value, budget - brought);
            if (brought > budget) throw tooLarge();
            if (out == null) out = args.deepCopy();
            out.remove(e.getKey());
            out.set(plain, value);
        }
        return out == null ? args : out;
    }

    /** JSON Pointer (RFC 6901) with JMAP's {@code *}: applied to every array item, arrays flattened (RFC 8620 §3.7). */
    static JsonNode pointer(JsonNode node, String path) {
        if (path.isEmpty()) return node;
        if (!path.startsWith("/")) return null;
        String rest = path.substring(1);
        int slash = rest.indexOf('/');
        String token = (slash < 0 ? rest : rest.substring(0, slash)).replace("~1", "/").replace("~0", "~");
        String tail = slash < 0 ? "" : rest.substring(slash);
        if (token.equals("*") && node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : node) {
                JsonNode v = pointer(item, tail);
                if (v == null) return null;
                if (v.isArray()) out.addAll((ArrayNode) v); else out.add(v);
            }
            return out;
        }
        JsonNode next;
        if (node.isArray()) {
            if (!token.matches("0|[1-9][0-9]{0,8}")) return null;
            next = node.get(Integer.parseInt(token));
        } else if (node.isObject()) {
            next = node.get(token);
        } else {
            return null;
        }
        return next == null ? null : pointer(next, tail);
    }

    public Blobs blobs() {
        return blobs;
    }

    public Push push() {
        return push;
    }

    static Map<String, Object> ordered() {
        return new LinkedHashMap<>();
    }
}
