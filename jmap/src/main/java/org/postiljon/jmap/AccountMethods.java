package org.postiljon.jmap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.Quota;
import org.postiljon.mailbox.api.Vacation;

/**
 * What belongs to the account rather than to a message: Identity/get, /set, /changes (RFC 8621
 * §6), Quota/get, /changes, /query (RFC 9425) and VacationResponse/get, /set (RFC 8621 §8).
 * Identities and the vacation response are kept as the user's data in the directory.
 */
final class AccountMethods {

    static final String DEFAULT_IDENTITY = "I0";
    private static final Set<String> IDENTITY_FIELDS = Set.of("name", "email", "replyTo", "bcc", "textSignature", "htmlSignature");
    private static final Set<String> VACATION_FIELDS = Set.of("isEnabled", "fromDate", "toDate", "subject", "textBody", "htmlBody");

    private final JmapServices svc;

    AccountMethods(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("Identity/get", this::identityGet);
        m.put("Identity/set", this::identitySet);
        m.put("Identity/changes", c -> sameOrCannot(c, identityState(c.account)));
        m.put("Quota/get", this::quotaGet);
        m.put("Quota/changes", c -> {
            c.accountId();
            long since = Changes.sinceState(c);
            long now = svc.messages().highestModSeq(c.account);
            List<Changes.Entry> e = since < now ? List.of(new Changes.Entry(now, "Qstorage", Changes.Kind.UPDATED),
                    new Changes.Entry(now, "Qmessages", Changes.Kind.UPDATED)) : List.of();
            ObjectNode out = Changes.answer(c, since, now, e);
            out.putArray("updatedProperties").add("used");
            return out;
        });
        m.put("Quota/query", c -> {
            c.accountId();
            return MailboxMethods.page(c, List.of("Qstorage", "Qmessages"), Jmap.state(svc, c.account));
        });
        m.put("VacationResponse/get", this::vacationGet);
        m.put("VacationResponse/set", this::vacationSet);
        m.put("UserSetting/get", this::settingGet);
        m.put("UserSetting/set", this::settingSet);
        m.put("AppPassword/get", this::appPasswordGet);
        m.put("AppPassword/set", this::appPasswordSet);
        m.put("Password/change", this::passwordChange);
        m.put("TwoFactor/get", c -> twoFactor(c, svc.twoFactor().enabled(c.account)));
        m.put("TwoFactor/begin", this::twoFactorBegin);
        m.put("TwoFactor/confirm", c -> {
            if (!svc.twoFactor().confirm(c.account, c.text("code"))) throw MethodError.invalidArguments("the code does not match; try the next one");
            return twoFactor(c, true);
        });
        m.put("TwoFactor/disable", c -> {
            if (!svc.twoFactor().check(c.account, c.text("code"))) throw new MethodError("forbidden", "a current code from the app is needed to turn it off");
            svc.twoFactor().disable(c.account);
            return twoFactor(c, false);
        });
    }

    // ---- identities ----

    private ArrayNode identities(Account a) {
        ArrayNode stored = svc.directory().userData(a, "identities").map(AccountMethods::array).orElse(JsonNodeFactory.instance.arrayNode());
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        ObjectNode main = all.addObject();
        main.put("id", DEFAULT_IDENTITY).put("name", "").put("email", a.address().toString()).putNull("replyTo").putNull("bcc")
                .put("textSignature", "").put("htmlSignature", "").put("mayDelete", false);
        for (JsonNode i : stored) {
            if (i.path("id").asText().equals(DEFAULT_IDENTITY)) main.setAll((ObjectNode) i); else all.add(i);
        }
        main.put("mayDelete", false).put("email", a.address().toString());
        return all;
    }

    private static ArrayNode array(String json) {
        try {
            JsonNode n = Jmap.JSON.readTree(json);
            return n instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.arrayNode();
        }
    }

    private static String stateOf(String prefix, JsonNode stored) {
        return prefix + Integer.toHexString(stored.toString().hashCode());
    }

    private String identityState(Account a) {
        return stateOf("i", identities(a));
    }

    private static ObjectNode sameOrCannot(Call c, String state) {
        c.accountId();
        String since = c.text("sinceState");
        if (!state.equals(since)) throw new MethodError("cannotCalculateChanges", "fetch them all again");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put("oldState", state).put("newState", state).put("hasMoreChanges", false);
        out.putArray("created");
        out.putArray("updated");
        out.putArray("destroyed");
        return out;
    }

    private static ObjectNode find(ArrayNode all, String id) {
        for (JsonNode i : all) if (i.path("id").asText().equals(id)) return (ObjectNode) i;
        return null;
    }

    /** One of the identities, by id (for EmailSubmission). */
    JsonNode identity(Account a, String id) {
        return find(identities(a), id);
    }

    private ObjectNode identityGet(Call c) {
        return get(c, "i", identities(c.account));
    }

    /** A /get over a type kept as one list (RFC 8620 §5.1): its state from the list's content. */
    private ObjectNode get(Call c, String statePrefix, ArrayNode all) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put("state", stateOf(statePrefix, all));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        if (ids == null) list.addAll(all);
        else for (String id : ids) {
            JsonNode i = find(all, id);
            if (i == null) notFound.add(id); else list.add(i);
        }
        return out;
    }

    private boolean mayUse(Account a, String email) {
        try {
            return svc.directory().maySendAs(a, EmailAddress.parse(email));
        } catch (MailboxException.InvalidName e) {
            return false;
        }
    }

    /** Identities are one stored document: changed in memory, written once at the end. */
    private ObjectNode identitySet(Call c) {
        ArrayNode all = identities(c.account);
        int[] next = {all.size()};
        boolean[] changed = {false};
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> stateOf("i", all), (key, v) -> {
            String bad = badFields(v, IDENTITY_FIELDS);
            if (bad != null) throw new MethodError("invalidProperties", bad + " cannot be set");
            String email = v.path("email").asText("");
            if (!mayUse(c.account, email)) throw new MethodError("forbiddenFrom", "you may not send as " + email);
            noAddressIn(v.path("name").asText(""));
            String id;
            do {
                id = "I" + next[0]++;
            } while (find(all, id) != null);
            ObjectNode i = ((ObjectNode) v).deepCopy();
            i.put("id", id).put("mayDelete", true);
            for (String f : List.of("name", "textSignature", "htmlSignature")) if (!i.has(f)) i.put(f, "");
            for (String f : List.of("replyTo", "bcc")) if (!i.has(f)) i.putNull(f);
            all.add(i);
            changed[0] = true;
            return JsonNodeFactory.instance.objectNode().put("id", id).put("mayDelete", true);
        }, (id, patch) -> {
            ObjectNode target = find(all, id);
            if (target == null) throw new MethodError("notFound", "no identity " + id);
            String bad = badFields(patch, Set.of("name", "replyTo", "bcc", "textSignature", "htmlSignature"));
            if (bad != null) throw new MethodError("invalidProperties", bad + " cannot be changed");
            noAddressIn(patch.path("name").asText(""));
            target.setAll((ObjectNode) patch);
            changed[0] = true;
        }, id -> {
            if (id.equals(DEFAULT_IDENTITY)) throw new MethodError("forbidden", "the account's own identity stays");
            ObjectNode target = find(all, id);
            if (target == null) throw new MethodError("notFound", "no identity " + id);
            for (int i = 0; i < all.size(); i++) if (all.get(i) == target) all.remove(i);
            changed[0] = true;
        }, () -> {
            if (changed[0]) svc.directory().setUserData(c.account, "identities", all.toString());
        });
    }

    /** A display name that holds an address ("ceo@bank.example") would show readers a sender that is not the real one. */
    private static void noAddressIn(String name) {
        if (name.indexOf('@') >= 0 || name.length() > 256 || name.chars().anyMatch(ch -> ch < 0x20 || ch == '<' || ch == '>')) {
            throw new MethodError("invalidProperties", "the name may not contain an address, angle brackets or control characters");
        }
    }

    private static String badFields(JsonNode v, Set<String> allowed) {
        if (!v.isObject()) return "(not an object)";
        for (var it = v.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) return f;
        }
        return null;
    }

    // ---- quota ----

    private ObjectNode quotaGet(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        Quota q = svc.quotas().own(c.account);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", c.accountId()).put("state", Jmap.state(svc, c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        ObjectNode storage = quota("Qstorage", "octets", q.usage().bytes(), q.limits().storageBytes(), "Storage");
        ObjectNode count = quota("Qmessages", "count", q.usage().messages(), q.limits().messages(), "Messages");
        for (ObjectNode o : List.of(storage, count)) {
            if (ids == null || ids.contains(o.get("id").asText())) list.add(o);
        }
        if (ids != null) for (String id : ids) if (!id.equals("Qstorage") && !id.equals("Qmessages")) notFound.add(id);
        return out;
    }

    private static ObjectNode quota(String id, String type, long used, java.util.OptionalLong limit, String name) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id).put("resourceType", type).put("used", used);
        // RFC 9425 §4: hardLimit is required; "no limit" is the largest UnsignedInt.
        o.put("hardLimit", limit.isPresent() ? limit.getAsLong() : 9007199254740991L);
        o.put("scope", "account").put("name", name);
        o.putArray("types").add("Mail");
        o.put("description", "All folders count, Trash and Junk too");
        if (limit.isPresent()) o.put("warnLimit", limit.getAsLong() * 80 / 100);
        return o;
    }

    // ---- vacation response ----

    /** The account's vacation response as RFC 8621 §8.1 shows it (kept by the mailbox model, which the delivery path answers with). */
    private ObjectNode vacation(Account a) {
        Vacation stored = svc.vacations().get(a);
        if (stored.equals(Vacation.OFF)) stored = legacyVacation(a);
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.put("id", "singleton").put("isEnabled", stored.enabled());
        if (stored.from() == null) v.putNull("fromDate"); else v.put("fromDate", stored.from().toString());
        if (stored.to() == null) v.putNull("toDate"); else v.put("toDate", stored.to().toString());
        v.put("subject", stored.subject()).put("textBody", stored.textBody()).put("htmlBody", stored.htmlBody());
        return v;
    }

    /** Before the model kept it, the vacation response was JSON among the user's data: moved over once, then cleared. */
    private Vacation legacyVacation(Account a) {
        Optional<String> old = svc.directory().userData(a, "vacation").filter(s -> !s.isBlank());
        if (old.isEmpty()) return Vacation.OFF;
        Vacation v = Vacation.OFF;
        try {
            if (Jmap.JSON.readTree(old.get()) instanceof ObjectNode o) v = vacationOf(o);
        } catch (JsonProcessingException | MethodError e) {
            // a broken stored value reads as "off"
        }
        svc.vacations().set(a, v);
        svc.directory().setUserData(a, "vacation", "");
        return v;
    }

    /** The object's properties as the model's value; a wrong type or date is invalidProperties. */
    private static Vacation vacationOf(ObjectNode o) {
        JsonNode enabled = o.path("isEnabled");
        if (!enabled.isBoolean()) throw new MethodError("invalidProperties", "isEnabled must be true or false");
        return new Vacation(enabled.booleanValue(), utcDate(o, "fromDate"), utcDate(o, "toDate"), text(o, "subject"), text(o, "textBody"), text(o, "htmlBody"));
    }

    private static java.time.Instant utcDate(ObjectNode o, String name) {
        JsonNode n = o.path(name);
        if (n.isNull() || n.isMissingNode()) return null;
        try {
            return java.time.Instant.parse(n.asText()); // RFC 8620 §1.4 UTCDate
        } catch (RuntimeException e) {
            throw new MethodError("invalidProperties", name + " must be a UTCDate (like 2026-12-24T00:00:00Z) or null");
        }
    }

    private static String text(ObjectNode o, String name) {
        JsonNode n = o.path(name);
        if (n.isNull() || n.isMissingNode()) return null;
        if (!n.isTextual()) throw new MethodError("invalidProperties", name + " must be a string or null");
        if (n.asText().length() > 64 * 1024) throw new MethodError("invalidProperties", name + " is longer than 64 KiB");
        return n.asText();
    }

    private ObjectNode vacationGet(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode v = vacation(c.account);
        out.put("accountId", c.accountId()).put("state", stateOf("v", v));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        if (ids == null || ids.contains("singleton")) list.add(v);
        if (ids != null) for (String id : ids) if (!id.equals("singleton")) notFound.add(id);
        return out;
    }

    /** RFC 8621 §8.2: one object, "singleton", which can only be updated. */
    private ObjectNode vacationSet(Call c) {
        ObjectNode v = vacation(c.account);
        boolean[] changed = {false};
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> stateOf("v", v),
                (key, o) -> SetMethod.refuse("singleton", "the vacation response exists; update it"),
                (id, patch) -> {
                    if (!id.equals("singleton")) throw new MethodError("notFound", "only \"singleton\" exists");
                    String bad = badFields(patch, VACATION_FIELDS);
                    if (bad != null) throw new MethodError("invalidProperties", bad + " cannot be set");
                    v.setAll((ObjectNode) patch);
                    vacationOf(v); // refused here, before anything is kept, when a value is wrong
                    changed[0] = true;
                },
                id -> SetMethod.refuse("singleton", "the vacation response cannot be destroyed"),
                () -> {
                    if (changed[0]) svc.vacations().set(c.account, vacationOf(v));
                });
    }

    // ---- the user's own settings (the webmail's settings page) ----

    /**
     * The account settings a user may change for themselves (urn:postiljon:params:jmap:webmail):
     * the spam filter's mode and threshold, what POP3's delete does, sub-address folders, the
     * language of the server's messages. Sending limits, quotas and retention stay the operator's.
     */
    static final List<AccountSetting> USER_SETTINGS = List.of(AccountSetting.SPAM_MODE, AccountSetting.SPAM_THRESHOLD, AccountSetting.POP3_DELETE,
            AccountSetting.SUBADDRESS_FOLDER, AccountSetting.LOCALE);

    private ArrayNode userSettings(Account a) {
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        Map<AccountSetting, String> values = svc.directory().settings(a, USER_SETTINGS);
        for (AccountSetting s : USER_SETTINGS) {
            ObjectNode o = all.addObject();
            o.put("id", s.key()).put("value", values.get(s));
            ArrayNode allowed = o.putArray("allowed");
            s.allowed().forEach(allowed::add);
        }
        return all;
    }

    /** UserSetting/get: each setting with its value and allowed values ({@code <number>}: a whole number). */
    private ObjectNode settingGet(Call c) {
        return get(c, "u", userSettings(c.account));
    }

    /** UserSetting/set: only updates of {@code value}, checked against the allowed values. */
    private ObjectNode settingSet(Call c) {
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> stateOf("u", userSettings(c.account)),
                (key, o) -> SetMethod.refuse("forbidden", "the settings are fixed; update their values"),
                (id, patch) -> {
                    AccountSetting s = USER_SETTINGS.stream().filter(x -> x.key().equals(id)).findFirst()
                            .orElseThrow(() -> new MethodError("notFound", "no setting " + id + " a user may change"));
                    String bad = badFields(patch, Set.of("value"));
                    if (bad != null) throw new MethodError("invalidProperties", bad + " cannot be set");
                    if (!patch.path("value").isTextual()) throw new MethodError("invalidProperties", "value must be a string");
                    String value;
                    try {
                        value = s.check(patch.get("value").asText());
                    } catch (MailboxException.InvalidName e) {
                        throw new MethodError("invalidProperties", e.getMessage());
                    }
                    svc.directory().setSetting(c.account.address(), s, value);
                },
                id -> SetMethod.refuse("forbidden", "the settings are fixed"),
                () -> { });
    }

    // ---- the account's password and app passwords (the webmail's settings) ----

    private static String appPasswordId(AppPasswords.AppPassword p) {
        return "P" + Long.toString(p.id(), 36);
    }

    private static ObjectNode json(AppPasswords.AppPassword p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", appPasswordId(p)).put("name", p.name());
        ArrayNode scopes = o.putArray("scopes");
        p.scopes().stream().map(x -> x.name().toLowerCase(java.util.Locale.ROOT)).sorted().forEach(scopes::add);
        o.put("created", p.created().toString());
        if (p.lastUsed() == null) o.putNull("lastUsed"); else o.put("lastUsed", p.lastUsed().toString());
        return o;
    }

    private ArrayNode appPasswords(Account a) {
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (AppPasswords.AppPassword p : svc.appPasswords().list(a)) all.add(json(p));
        return all;
    }

    /** AppPassword/get: name, scopes, when made and last used; never the secret. */
    private ObjectNode appPasswordGet(Call c) {
        return get(c, "p", appPasswords(c.account));
    }

    /** AppPassword/set: create (name, scopes: imap, pop3, smtp, sieve, jmap) answers the secret, once; destroy revokes. */
    private ObjectNode appPasswordSet(Call c) {
        Account a = c.account;
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> stateOf("p", appPasswords(a)), (key, v) -> {
            String bad = badFields(v, Set.of("name", "scopes"));
            if (bad != null) throw new MethodError("invalidProperties", bad + " cannot be set");
            if (!v.path("name").isTextual() || !v.path("scopes").isArray()) throw new MethodError("invalidProperties", "name and scopes are required");
            java.util.Set<AppPasswords.Scope> scopes = java.util.EnumSet.noneOf(AppPasswords.Scope.class);
            for (JsonNode x : v.get("scopes")) {
                try {
                    AppPasswords.Scope scope = AppPasswords.Scope.valueOf(x.asText().toUpperCase(java.util.Locale.ROOT));
                    // The admin API's tokens are the operator's to make (CLI, admin API), never a mail program's.
                    if (scope == AppPasswords.Scope.ADMIN) throw new IllegalArgumentException();
                    scopes.add(scope);
                } catch (IllegalArgumentException e) {
                    throw new MethodError("invalidProperties", "a scope is imap, pop3, smtp, sieve or jmap, not " + x.asText());
                }
            }
            AppPasswords.Created made = svc.appPasswords().create(a, v.get("name").asText(), scopes);
            ObjectNode r = json(made.password());
            r.put("secret", made.secret());
            return r;
        }, (id, patch) -> SetMethod.refuse("forbidden", "an app password cannot be changed; make a new one"), id -> {
            AppPasswords.AppPassword p = svc.appPasswords().list(a).stream().filter(x -> appPasswordId(x).equals(id)).findFirst()
                    .orElseThrow(() -> new MethodError("notFound", "no app password " + id));
            svc.appPasswords().remove(a, p.id());
        }, () -> { });
    }

    /**
     * Password/change {oldPassword, newPassword}: the account's password, when the old one is
     * right. Every webmail session made with the old password ends with it (their stamp changes).
     */
    private ObjectNode passwordChange(Call c) {
        c.accountId();
        String old = c.text("oldPassword"), now = c.text("newPassword");
        if (old == null || now == null) throw MethodError.invalidArguments("oldPassword and newPassword are required");
        if (old.length() > 1024 || svc.directory().authenticate(c.account.address().toString(), old.toCharArray()).isEmpty()) {
            throw new MethodError("forbidden", "the current password is not right");
        }
        if (now.equals(old)) throw MethodError.invalidArguments("the new password is the current one");
        if (now.toLowerCase(java.util.Locale.ROOT).contains(c.account.address().localPart().toLowerCase(java.util.Locale.ROOT))) {
            throw MethodError.invalidArguments("the new password may not contain your address");
        }
        try {
            svc.directory().setPassword(c.account.address(), now.toCharArray());
        } catch (MailboxException.InvalidName e) {
            throw MethodError.invalidArguments(e.getMessage());
        }
        return JsonNodeFactory.instance.objectNode().put("accountId", c.accountId());
    }

    // ---- two-step sign-in ----

    private static ObjectNode twoFactor(Call c, boolean enabled) {
        c.accountId();
        return JsonNodeFactory.instance.objectNode().put("accountId", c.accountId()).put("enabled", enabled);
    }

    /** TwoFactor/begin: a new secret and its otpauth URI (Key Uri Format) for the app; in force after TwoFactor/confirm. */
    private ObjectNode twoFactorBegin(Call c) {
        c.accountId();
        String secret = svc.twoFactor().begin(c.account);
        String label = java.net.URLEncoder.encode("Postiljon:" + c.account.address(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return JsonNodeFactory.instance.objectNode().put("accountId", c.accountId()).put("secret", secret)
                .put("uri", "otpauth://totp/" + label + "?secret=" + secret + "&issuer=Postiljon&algorithm=SHA1&digits=6&period=30");
    }
}
