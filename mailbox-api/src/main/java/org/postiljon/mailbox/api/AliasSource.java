package org.postiljon.mailbox.api;

/**
 * What an alias matches: one address, or with an empty local part every address of the domain
 * that no account or more specific alias claims (a catch-all, written {@code @domain}).
 */
public record AliasSource(String localPart, DomainName domain) {

    public AliasSource {
        if (!localPart.isEmpty()) {
            localPart = EmailAddress.normaliseLocalPart(localPart);
            EmailAddress.validateLocalPart(localPart);
        }
    }

    public static AliasSource parse(String text) {
        if (text != null && text.strip().startsWith("@")) {
            return new AliasSource("", DomainName.of(text.strip().substring(1)));
        }
        EmailAddress a = EmailAddress.parse(text);
        return new AliasSource(a.localPart(), a.domain());
    }

    public boolean isCatchAll() {
        return localPart.isEmpty();
    }

    @Override
    public String toString() {
        return localPart + "@" + domain.ascii();
    }
}
