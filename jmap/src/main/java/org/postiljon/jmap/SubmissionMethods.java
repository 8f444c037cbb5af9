package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Submission;

/**
 * EmailSubmission/get, /set, /changes, /query (RFC 8621 §7): sends an Email through the same
 * {@link Submission} path as the SMTP submission port, then applies onSuccessUpdateEmail /
 * onSuccessDestroyEmail as an implicit Email/set (moving the draft to Sent, say). Submissions are
 * final at once (no delayed send, no undo) and kept in memory for the answers of this process.
 */
final class SubmissionMethods {

    private static final int KEEP_PER_ACCOUNT = 200;

    private final JmapServices svc;
    private final Map<Long, Map<String, ObjectNode>> sent = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private AccountMethods accounts;

    SubmissionMethods(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        this.accounts = new AccountMethods(svc);
        m.put("EmailSubmission/get", this::get);
        m.put("EmailSubmission/set", c -> set(c, m.get("Email/set")));
        m.put("EmailSubmission/changes", c -> {
            c.accountId();
            throw new MethodError("cannotCalculateChanges", "fetch submissions with EmailSubmission/query");
        });
        m.put("EmailSubmission/query", c -> {
            c.accountId();
            return MailboxMethods.page(c, new ArrayList<>(mine(c.account).keySet()).reversed(), Jmap.state(svc, c.account));
        });
    }

    private Map<String, ObjectNode> mine(Account a) {
        return sent.computeIfAbsent(a.id(), k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> e) {
                return size() > KEEP_PER_ACCOUNT;
            }
        }));
    }

    private ObjectNode get(Call c) {
        c.accountId();
        List<String> want = c.ids(svc.limits().maxObjectsInGet());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put("state", Jmap.state(svc, c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        Map<String, ObjectNode> all = mine(c.account);
        if (want == null) synchronized (all) {
            list.addAll(all.values());
        }
        else for (String id : want) {
            ObjectNode s = all.get(id);
            if (s == null) notFound.add(id); else list.add(s);
        }
        return out;
    }

    private ObjectNode set(Call c, Jmap.Method emailSet) {
        Map<String, String> emailOf = new LinkedHashMap<>(); // submission id -> email id, of this call's creations
        ObjectNode out = SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> Jmap.state(svc, c.account), (key, s) -> {
            ObjectNode sent = submit(c, s);
            emailOf.put(sent.get("id").asText(), sent.get("emailId").asText());
            return JsonNodeFactory.instance.objectNode().put("id", sent.get("id").asText()).put("sendAt", sent.get("sendAt").asText())
                    .put("undoStatus", "final");
        }, (id, patch) -> SetMethod.refuse("cannotUnsend", "the message was sent at once; it cannot be changed"),
                id -> {
                    if (mine(c.account).remove(id) == null) throw new MethodError("notFound", "no submission " + id);
                }, () -> { });
        // RFC 8621 §7.5: onSuccess... name submissions by id or #creationId; one implicit Email/set.
        ObjectNode onUpdate = c.object("onSuccessUpdateEmail");
        ArrayNode onDestroy = c.array("onSuccessDestroyEmail");
        if ((onUpdate != null || onDestroy != null) && !emailOf.isEmpty()) {
            ObjectNode args = JsonNodeFactory.instance.objectNode();
            args.put("accountId", c.accountId());
            if (onUpdate != null) {
                ObjectNode u = args.putObject("update");
                for (var it = onUpdate.fields(); it.hasNext(); ) {
                    var e = it.next();
                    String email = emailOf.get(submissionId(c, e.getKey()));
                    if (email != null) u.set(email, e.getValue());
                }
            }
            if (onDestroy != null) {
                ArrayNode d = args.putArray("destroy");
                for (JsonNode x : onDestroy) {
                    String email = emailOf.get(submissionId(c, x.asText()));
                    if (email != null) d.add(email);
                }
            }
            c.also("Email/set", emailSet.run(new Call(c.account, args, c.callId, c.created)));
        }
        return out;
    }

    /** An id, or {@code #creationId} of this request; an unknown reference names nothing (it is skipped, not an error after sending). */
    private static String submissionId(Call c, String ref) {
        return ref.startsWith("#") ? c.created.get(ref.substring(1)) : ref;
    }

    private ObjectNode submit(Call c, JsonNode s) {
        if (!s.isObject()) throw new MethodError("invalidProperties", "a submission is an object");
        String identityId = c.resolve(s.path("identityId").asText(null));
        String emailId = c.resolve(s.path("emailId").asText(null));
        if (identityId == null || emailId == null) throw new MethodError("invalidProperties", "identityId and emailId are required");
        JsonNode identity = accounts.identity(c.account, identityId);
        if (identity == null) throw new MethodError("invalidProperties", "no identity " + identityId);
        List<MessageInfo> found = EmailMethods.instances(svc, c.account, emailId);
        if (found.isEmpty()) throw new MethodError("invalidProperties", "no Email " + emailId);
        MessageInfo m = found.getFirst();
        Mailbox mb = Blobs.byKey(svc, c.account).get(m.mailboxId());
        byte[] bytes;
        try (InputStream in = svc.messages().open(c.account, mb.name(), m.uid())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String mailFrom;
        List<String> rcpt = new ArrayList<>();
        JsonNode env = s.get("envelope");
        if (env != null && !env.isNull()) {
            mailFrom = env.path("mailFrom").path("email").asText(null);
            for (JsonNode r : env.path("rcptTo")) rcpt.add(r.path("email").asText());
            if (mailFrom == null || rcpt.isEmpty()) throw new MethodError("invalidProperties", "the envelope needs mailFrom and rcptTo");
        } else {
            // RFC 8621 §7: without an envelope, the identity's address and every To, Cc and Bcc address.
            mailFrom = identity.path("email").asText();
            Set<String> to = new LinkedHashSet<>();
            List<String[]> fields = Headers.raw(bytes, Integer.MAX_VALUE);
            for (String h : List.of("To", "Cc", "Bcc")) {
                JsonNode a = Headers.property(fields, "header:" + h + ":asAddresses:all");
                for (JsonNode list : a) for (JsonNode x : list) to.add(x.path("email").asText());
            }
            rcpt.addAll(to);
            if (rcpt.isEmpty()) throw new MethodError("noRecipients", "the Email has no To, Cc or Bcc address");
        }
        if (!mailFrom.equalsIgnoreCase(identity.path("email").asText())) {
            throw new MethodError("forbiddenMailFrom", "the envelope sender must be the identity's address");
        }
        List<Submission.Outcome> outcomes;
        try {
            outcomes = svc.submission().submit(c.account, mailFrom, rcpt, new ByteArrayInputStream(withoutBcc(bytes)));
        } catch (org.postiljon.mailbox.api.MailboxException.NotAllowed e) {
            throw new MethodError("forbiddenToSend", e.getMessage()); // RFC 8621 §7.5
        } catch (Submission.ForbiddenFrom e) {
            throw new MethodError("forbiddenFrom", e.getMessage()); // RFC 8621 §7.5
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        String id = "S" + Long.toHexString(ids.incrementAndGet());
        o.put("id", id).put("identityId", identityId).put("emailId", emailId).put("threadId", (String) null);
        ObjectNode e = o.putObject("envelope");
        e.putObject("mailFrom").put("email", mailFrom).putNull("parameters");
        ArrayNode r = e.putArray("rcptTo");
        rcpt.forEach(x -> r.addObject().put("email", x).putNull("parameters"));
        o.put("sendAt", EmailView.date(Instant.now())).put("undoStatus", "final");
        ObjectNode ds = o.putObject("deliveryStatus");
        boolean any = false;
        for (Submission.Outcome out : outcomes) {
            ObjectNode d = ds.putObject(out.recipient());
            switch (out.status()) {
                case DELIVERED -> d.put("smtpReply", "250 2.0.0 delivered").put("delivered", "yes");
                case QUEUED -> d.put("smtpReply", "250 2.0.0 queued").put("delivered", "queued");
                case REFUSED -> d.put("smtpReply", "550 5.1.1 " + out.reason()).put("delivered", "no");
            }
            d.put("displayed", "unknown");
            any |= out.status() != Submission.Outcome.Status.REFUSED;
        }
        if (!any) throw new MethodError("invalidRecipients", "no recipient could be reached: " + outcomes.getFirst().reason());
        o.putArray("dsnBlobIds");
        o.putArray("mdnBlobIds");
        mine(c.account).put(id, o);
        return o;
    }

    /** RFC 8621 §7.5: the Bcc header field is not sent. */
    static byte[] withoutBcc(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        String head = end < 0 ? s : s.substring(0, end + 2);
        String stripped = ("\r\n" + head).replaceAll("(?i)\r\nBcc:[^\r]*(\r\n[ \t][^\r]*)*", "").substring(2);
        return (stripped + (end < 0 ? "" : s.substring(end + 2))).getBytes(StandardCharsets.ISO_8859_1);
    }
}
