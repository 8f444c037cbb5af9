package org.postiljon.pop3;

import java.util.ArrayList;
import java.util.List;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/**
 * The INBOX as it was at login (RFC 1939 §4): message n is the n-th message then, with the size
 * and UIDL it had. Messages flagged \Deleted by IMAP are left out: they are on their way out.
 */
final class Maildrop {

    private final List<MessageInfo> messages;
    private final long uidValidity;
    private final boolean[] deleted;
    private final boolean[] retrieved;

    private Maildrop(List<MessageInfo> messages, long uidValidity) {
        this.messages = messages;
        this.uidValidity = uidValidity;
        this.deleted = new boolean[messages.size()];
        this.retrieved = new boolean[messages.size()];
    }

    static Maildrop snapshot(Pop3Services svc, Account account) {
        long uidValidity = svc.mailboxes().get(account, MailboxName.INBOX).uidValidity();
        List<MessageInfo> all = new ArrayList<>();
        for (MessageInfo m : svc.messages().list(account, MailboxName.INBOX, UidSet.ALL)) {
            if (!m.flags().contains(Flags.DELETED)) all.add(m);
        }
        return new Maildrop(List.copyOf(all), uidValidity);
    }

    /** The number a client's argument names, of a message not marked deleted (RFC 1939 §5). */
    int live(String number) {
        int n = number(number);
        if (deleted[n - 1]) throw new Pop3Error("message " + n + " already deleted");
        return n;
    }

    /** 1-based message number from a client's argument, in range. */
    int number(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Pop3Error("invalid message number");
        }
        long n = Long.parseLong(text);
        if (n < 1 || n > messages.size()) throw new Pop3Error("no such message, only " + messages.size() + " in maildrop");
        return (int) n;
    }

    int size() {
        return messages.size();
    }

    MessageInfo at(int n) {
        return messages.get(n - 1);
    }

    boolean isDeleted(int n) {
        return deleted[n - 1];
    }

    void delete(int n) {
        deleted[n - 1] = true;
    }

    void retrieved(int n) {
        retrieved[n - 1] = true;
    }

    void undeleteAll() {
        java.util.Arrays.fill(deleted, false);
    }

    int count() {
        int c = 0;
        for (int n = 1; n <= messages.size(); n++) if (!deleted[n - 1]) c++;
        return c;
    }

    long octets() {
        long sum = 0;
        for (int n = 1; n <= messages.size(); n++) if (!deleted[n - 1]) sum += messages.get(n - 1).size();
        return sum;
    }

    /** UIDL, RFC 1939 §7: 1-70 characters in 0x21-0x7E, unique and kept across sessions. */
    String uidl(int n) {
        return String.format("%08X%08X", messages.get(n - 1).uid(), uidValidity);
    }

    /** UIDs of the messages DELE marked. */
    long[] deletedUids() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) if (deleted[i]) out.add(messages.get(i).uid());
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** UIDs of messages RETR sent, not deleted and not yet \Seen: they get \Seen on QUIT. */
    long[] newlyRead() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (retrieved[i] && !deleted[i] && !messages.get(i).flags().contains(Flags.SEEN)) out.add(messages.get(i).uid());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
