package org.postiljon.jmap;

import org.postiljon.mailbox.api.MailboxException;

/** How the mailbox model's refusals read in JMAP (RFC 8620 §3.6.2, §5.3; RFC 8621). */
final class Errors {

    private Errors() { }

    static String typeOf(MailboxException e) {
        return switch (e) {
            case MailboxException.OverQuota q -> "overQuota";
            case MailboxException.LimitReached l -> "overQuota"; // RFC 8620 §5.3: a server limit on the number of objects
            case MailboxException.Unavailable u -> "serverUnavailable"; // RFC 8620 §3.6.2: try again later
            case MailboxException.NoRights r -> "forbidden";
            case MailboxException.NotAllowed n -> "forbidden";
            case MailboxException.TooBig t -> "tooLarge";
            case MailboxException.NoSuchMailbox m -> "notFound";
            case MailboxException.MailboxExists m -> "alreadyExists";
            case MailboxException.InvalidName n -> "invalidProperties";
            // Directory refusals do not reach JMAP's methods; a damaged message file is the server's fault.
            case MailboxException.AccountExists x -> "alreadyExists";
            case MailboxException.DomainExists x -> "alreadyExists";
            case MailboxException.AliasExists x -> "alreadyExists";
            case MailboxException.NoSuchAccount x -> "notFound";
            case MailboxException.NoSuchDomain x -> "notFound";
            case MailboxException.NoSuchAlias x -> "notFound";
            case MailboxException.Damaged x -> "serverFail";
        }; // exhaustive over the sealed type: a new refusal must be given its JMAP form here
    }

    /** A SetError object (RFC 8620 §5.3). */
    static com.fasterxml.jackson.databind.node.ObjectNode setError(String type, String description) {
        var e = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        e.put("type", type);
        if (description != null) e.put("description", description);
        return e;
    }

    /** The SetError for a refusal of one object: a method-level type, or the mailbox model's reason. */
    static com.fasterxml.jackson.databind.node.ObjectNode setError(RuntimeException ex) {
        return setError(ex instanceof MethodError m ? m.type : typeOf((MailboxException) ex), ex.getMessage());
    }
}
