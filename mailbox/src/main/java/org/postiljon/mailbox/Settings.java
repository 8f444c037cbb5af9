package org.postiljon.mailbox;

import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.store.spi.ReadTx;

/** How a setting's value is found: the account's own, else its domain's, else the default. */
final class Settings {

    private Settings() { }

    static String value(ReadTx tx, Account account, AccountSetting setting) {
        if (!setting.domainOnly()) {
            var own = tx.accountSetting(account.id(), setting.key());
            if (own.isPresent()) return own.get();
        }
        return domainValue(tx, account.address().domain(), setting);
    }

    static String domainValue(ReadTx tx, DomainName domain, AccountSetting setting) {
        return domainValue(tx.domainSettings(domain), setting);
    }

    /** The same from the domain's settings read before ({@code ReadTx.domainSettings}). */
    static String domainValue(java.util.Map<String, String> domainSettings, AccountSetting setting) {
        return domainSettings.getOrDefault(setting.key(), setting.defaultValue());
    }
}
