package org.postiljon.pop3;

import java.io.IOException;
import java.util.Set;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;

/**
 * QUIT, RFC 1939 §6: in the TRANSACTION state enters UPDATE: the messages DELE marked are removed
 * (or moved to Trash, per the account's {@code pop3.delete}) in one transaction, so IMAP sessions
 * see one expunge; messages RETR sent get \Seen.
 */
final class Quit implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.quit();
        if (s.maildrop == null) {
            s.ok("Postiljon POP3 signing off");
            return;
        }
        var messages = s.services().messages();
        if (!s.holdsMaildrop()) {
            s.releaseMaildrop();
            throw new Pop3Error("IN-USE", "the maildrop lock was lost (the server stalled); nothing was deleted");
        }
        long[] deleted = s.maildrop.deletedUids();
        // Download-and-delete (the common case) marks nothing \Seen: the messages go, so QUIT is one transaction.
        java.util.Set<Long> gone = java.util.Arrays.stream(deleted).boxed().collect(java.util.stream.Collectors.toSet());
        long[] read = java.util.Arrays.stream(s.maildrop.newlyRead()).filter(uid -> !gone.contains(uid)).toArray();
        try {
            if (read.length > 0) {
                messages.store(s.account, MailboxName.INBOX, UidSet.ofSorted(read), new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.SEEN)));
            }
            if (deleted.length > 0) {
                UidSet uids = UidSet.ofSorted(deleted);
                if (s.services().directory().setting(s.account, AccountSetting.POP3_DELETE).equals("trash")) {
                    messages.move(s.account, MailboxName.INBOX, uids, trash(s));
                } else {
                    messages.delete(s.account, MailboxName.INBOX, uids);
                }
            }
        } catch (RuntimeException e) {
            // §6: "-ERR some deleted messages not removed"; nothing was removed (one transaction).
            throw new Pop3Error("SYS/TEMP", "deleted messages not removed, try again: " + e.getMessage());
        }
        s.releaseMaildrop(); // before the reply: a client that reconnects at once finds it free
        s.ok("Postiljon POP3 signing off (" + deleted.length + " messages deleted)");
    }

    /** The account's Trash (RFC 6154 \Trash), made when the user removed it. */
    private static MailboxName trash(Session s) {
        for (Mailbox m : s.services().mailboxes().list(s.account)) {
            if (m.specialUse().equals(java.util.Optional.of(SpecialUse.TRASH))) return m.name();
        }
        return s.services().mailboxes().create(s.account, MailboxName.of("Trash"), Set.of(SpecialUse.TRASH)).name();
    }
}
