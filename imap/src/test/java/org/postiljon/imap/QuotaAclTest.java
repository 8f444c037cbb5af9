package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;

/** QUOTA (RFC 9208), ACL (RFC 4314), NAMESPACE (RFC 2342), team mailboxes and the folder-name policy over the wire. */
class QuotaAclTest extends ImapTranscriptTest {

    private Account limit(String address, long bytes, long messages) {
        server.model.directory().setQuota(EmailAddress.parse(address), new QuotaLimits(OptionalLong.of(bytes), OptionalLong.of(messages)));
        return server.model.directory().find(EmailAddress.parse(address)).orElseThrow();
    }

    @Test
    void quotaIsReportedAndEnforcedOnAppendAndCopyButNotMove() throws Exception {
        Account alice = limit("alice@example.org", 10_240, 100);
        server.append(alice, "INBOX", 3000);
        server.append(alice, "Trash", 4000);
        login(1, "alice@example.org");
        run("""
            C1: a1 GETQUOTAROOT INBOX
            S1: * QUOTAROOT "INBOX" ""
            S1: * QUOTA "" (STORAGE 7 10 MESSAGE 2 100)
            S1: a1 OK GETQUOTAROOT completed
            C1: a2 STATUS Trash (MESSAGES SIZE DELETED-STORAGE)
            S1: * STATUS "Trash" (MESSAGES 1 SIZE 4000 DELETED-STORAGE 0)
            S1: a2 OK STATUS completed
            C1: a3 APPEND INBOX {15+}
            C1: Subject: q
            C1:
            C1: x
            S1: a3 OK [APPENDUID *
            C1: a4 SELECT Trash
            S1~ a4 OK [READ-WRITE] SELECT completed
            C1: a5 COPY 1 Archive
            S1: a5 NO [OVERQUOTA] storage quota exceeded: 7015 of 10240 bytes in use
            C1: a6 MOVE 1 Archive
            S1: * OK [COPYUID *
            S1: * 1 EXPUNGE
            S1: a6 OK MOVE completed
            C1: a7 GETQUOTA ""
            S1: * QUOTA "" (STORAGE 7 10 MESSAGE 3 100)
            S1: a7 OK GETQUOTA completed
            C1: a8 APPEND INBOX {3300}
            S1: a8 NO [OVERQUOTA] storage quota exceeded: 7015 of 10240 bytes in use
            C1: a9 SETQUOTA "" (STORAGE 100000)
            S1: a9 NO [NOPERM] only administrators may set quotas
            C1: a10 GETQUOTA "#user/admin@example.org"
            S1: a10 NO [NONEXISTENT] no such mailbox: quota root #user/admin@example.org
            """);
    }

    @Test
    void replaceAtTheQuotaCountsOnlyTheNetChange() throws Exception {
        Account alice = server.model.directory().find(EmailAddress.parse("alice@example.org")).orElseThrow();
        server.append(alice, "Drafts", 6000);
        server.append(alice, "INBOX", 4000);
        limit("alice@example.org", 10_240, 2); // after the appends, so no quota warning is added to INBOX
        login(1, "alice@example.org");
        // RFC 8508 §3.4: the quota is judged with the pending expunge done. Both limits are reached:
        // an APPEND is refused, a REPLACE of the 6,000-octet draft by one of 6,200 is not.
        String draft = "C1: Subject: d\nC1: \nC1: " + "x".repeat(6200 - 14) + "\n"; // 6,200 octets, the last CRLF ends the command
        run("C1: a1 SELECT Drafts\n"
                + "S1~ a1 OK [READ-WRITE] SELECT completed\n"
                + "C1: a2 APPEND Drafts {6200+}\n"
                + draft
                + "S1: a2 NO [OVERQUOTA] *\n"
                + "C1: a3 REPLACE 1 Drafts {6200+}\n"
                + draft
                + "S1: * OK [APPENDUID *\n"
                + "S1: * 2 EXISTS\n"
                + "S1: * 2 RECENT\n"
                + "S1: * 1 EXPUNGE\n"
                + "S1: a3 OK REPLACE completed\n"
                + "C1: a4 STATUS Drafts (MESSAGES SIZE)\n"
                + "S1: * STATUS \"Drafts\" (MESSAGES 1 SIZE 6200)\n"
                + "S1: a4 OK STATUS completed\n"
                // ... and one that would go past the limit even after the expunge is refused, the draft kept.
                + "C1: a5 REPLACE 1 Drafts {6500+}\n"
                + draft.replace("xxx\n", "x".repeat(303) + "\n")
                + "S1: a5 NO [OVERQUOTA] *\n"
                + "C1: a6 FETCH 1 RFC822.SIZE\n"
                + "S1: * 1 FETCH (RFC822.SIZE 6200)\n"
                + "S1: a6 OK FETCH completed\n");
    }

    @Test
    void anAdministratorSetsQuotas() throws Exception {
        server.account(ImapTestServer.ADMIN);
        login(1, ImapTestServer.ADMIN);
        t.send(1, "a1 CAPABILITY\r\n");
        assertTrue(t.readLine(1).endsWith(" QUOTASET"));
        run("""
            S1: a1 OK *
            C1: a2 SETQUOTA "#user/alice@example.org" (STORAGE 20 MESSAGE 100)
            S1: * QUOTA "#user/alice@example.org" (STORAGE 0 20 MESSAGE 0 100)
            S1: a2 OK SETQUOTA completed
            C1: a3 SETQUOTA "#user/alice@example.org" (STORAGE 30)
            S1: * QUOTA "#user/alice@example.org" (STORAGE 0 30)
            S1: a3 OK SETQUOTA completed
            C1: a4 SETQUOTA "#user/alice@example.org" (FILES 3)
            S1: a4 NO unsupported quota resource FILES; STORAGE and MESSAGE are
            C1: a5 SETQUOTA "#user/nobody@example.org" (STORAGE 1)
            S1: a5 NO [NONEXISTENT] no such mailbox: quota root #user/nobody@example.org
            """);
        login(2, "alice@example.org");
        run("""
            C2: b1 GETQUOTA ""
            S2: * QUOTA "" (STORAGE 0 30)
            S2: b1 OK GETQUOTA completed
            """);
        t.send(2, "b2 CAPABILITY\r\n");
        assertFalse(t.readLine(2).contains("QUOTASET"));
    }

    @Test
    void grantsAndRevocationsReachAnAlreadyConnectedSession() throws Exception {
        Account bob = server.account("bob@example.org");
        login(1, "alice@example.org");
        login(2, "bob@example.org");
        run("""
            C1: a1 NAMESPACE
            S1: * NAMESPACE (("" "/")) (("Other Users/" "/")) (("Shared/" "/"))
            S1: a1 OK NAMESPACE completed
            C2: b1 CREATE Projects
            S2: b1 OK [MAILBOXID *
            C2: b2 CREATE Private
            S2: b2 OK [MAILBOXID *
            C1: a2 LIST "" "Other Users/*"
            S1: a2 OK LIST completed
            C2: b3 SETACL Projects alice@example.org lr
            S2: b3 OK SETACL completed
            C2: b4 GETACL Projects
            S2: * ACL "Projects" "bob@example.org" "lrswipkxteacd" "alice@example.org" "lr"
            S2: b4 OK GETACL completed
            C1: a3 LIST "" "Other Users/*"
            S1: * LIST (\\Noselect \\HasChildren) "/" "Other Users/bob"
            S1: * LIST (\\HasNoChildren) "/" "Other Users/bob/Projects"
            S1: a3 OK LIST completed
            C1: a4 MYRIGHTS "Other Users/bob/Projects"
            S1: * MYRIGHTS "Other Users/bob/Projects" "lr"
            S1: a4 OK MYRIGHTS completed
            C1: a5 GETACL "Other Users/bob/Projects"
            S1: a5 NO [NOPERM] no permission to read the access list in Other Users/bob/Projects (needs the 'a' right)
            C1: a6 STATUS "Other Users/bob/Private" (MESSAGES)
            S1: a6 NO [NONEXISTENT] no such mailbox: Other Users/bob/Private
            C1: a7 STATUS "Other Users/bob/Nothing" (MESSAGES)
            S1: a7 NO [NONEXISTENT] no such mailbox: Other Users/bob/Nothing
            C1: a8 APPEND "Other Users/bob/Projects" {15+}
            C1: Subject: q
            C1:
            C1: x
            S1: a8 NO [NOPERM] no permission to append in Other Users/bob/Projects (needs the 'i' right)
            C2: b5 SETACL Projects alice@example.org +is
            S2: b5 OK SETACL completed
            C1: a9 APPEND "Other Users/bob/Projects" (\\Seen \\Flagged) {15+}
            C1: Subject: q
            C1:
            C1: x
            S1: a9 OK [APPENDUID *
            C2: b6 SELECT Projects
            S2~ b6 OK [READ-WRITE] SELECT completed
            C2: b7 FETCH 1 FLAGS
            S2: * 1 FETCH (FLAGS (\\Seen \\Recent))
            S2: b7 OK FETCH completed
            C1: a10 SELECT "Other Users/bob/Projects"
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
            S1: * OK [PERMANENTFLAGS (\\Seen)] flags
            S1~ a10 OK [READ-WRITE] SELECT completed
            C1: a11 STORE 1 +FLAGS (\\Flagged)
            S1: a11 NO [NOPERM] no permission to change flags in Other Users/bob/Projects (needs the 'w' right)
            C1: a12 FETCH 1 (FLAGS)
            S1: * 1 FETCH (FLAGS (\\Seen))
            S1: a12 OK FETCH completed
            C2: b8 DELETEACL Projects alice@example.org
            S2: b8 OK DELETEACL completed
            C1: a13 FETCH 1 (FLAGS)
            S1: a13 NO [NONEXISTENT] no such mailbox: Other Users/bob/Projects
            C1: a14 LIST "" "Other Users/*"
            S1: a14 OK LIST completed
            """);
    }

    @Test
    void withoutReadTheFolderCannotBeOpenedOrCopiedFrom() throws Exception {
        server.account("bob@example.org");
        login(1, "alice@example.org");
        login(2, "bob@example.org");
        run("""
            C2: b1 SETACL INBOX alice@example.org lrw
            S2: b1 OK SETACL completed
            C2: b2 APPEND INBOX {15+}
            C2: Subject: q
            C2:
            C2: x
            S2: b2 OK [APPENDUID *
            C1: a1 SELECT "Other Users/bob/INBOX"
            S1~ a1 OK [READ-WRITE] SELECT completed
            C2: b3 SETACL INBOX alice@example.org l
            S2: b3 OK SETACL completed
            C1: a2 FETCH 1 (FLAGS)
            S1: a2 NO [NOPERM] no permission to read messages in Other Users/bob/INBOX (needs the 'r' right)
            C1: a3 COPY 1 INBOX
            S1: a3 NO [NOPERM] no permission to read messages in Other Users/bob/INBOX (needs the 'r' right)
            C1: a4 SELECT "Other Users/bob/INBOX"
            S1: a4 NO [NOPERM] no permission to read Other Users/bob/INBOX (needs the 'r' right)
            C1: a5 STATUS "Other Users/bob/INBOX" (MESSAGES)
            S1: a5 NO [NOPERM] no permission to read the status in Other Users/bob/INBOX (needs the 'r' right)
            C1: a6 MYRIGHTS "Other Users/bob/INBOX"
            S1: * MYRIGHTS "Other Users/bob/INBOX" "l"
            S1: a6 OK MYRIGHTS completed
            C1: a7 CREATE "Other Users/bob/INBOX/Mine"
            S1: a7 NO [NOPERM] no permission to create Other Users/bob/INBOX/Mine (needs the 'k' right on Other Users/bob/INBOX)
            C1: a8 SETACL "Other Users/bob/INBOX" alice@example.org lrswipkxtea
            S1: a8 NO [NOPERM] no permission to change the access list in Other Users/bob/INBOX (needs the 'a' right)
            C2: b4 SETACL INBOX bob@example.org lr
            S2: b4 NO [CANNOT] the owner of a mailbox always has every right
            C2: b5 SETACL INBOX -alice lr
            S2: b5 NO [CANNOT] negative rights are not supported
            C2: b6 SETACL INBOX alice@example.org lrz
            S2: b6 NO [CANNOT] unknown right \"z\"; rights are lrswipkxtea (and the obsolete c, d)
            C2: b7 LISTRIGHTS INBOX alice@example.org
            S2: * LISTRIGHTS "INBOX" "alice@example.org" "" l r s w i p k x t e a c d
            S2: b7 OK LISTRIGHTS completed
            """);
    }

    @Test
    void aRemovedTeamMemberHearsNothingMoreOfTheTeamMailbox() throws Exception {
        var dir = server.model.directory();
        var sales = dir.addTeam(EmailAddress.parse("sales@example.org"), QuotaLimits.UNLIMITED);
        dir.setTeamMember(sales.address(), EmailAddress.parse("alice@example.org"), org.postiljon.mailbox.api.Rights.MEMBER);
        login(1, "alice@example.org");
        run("""
            C1: a1 SELECT Shared/sales/INBOX
            S1~ a1 OK [READ-WRITE] SELECT completed
            C1: a2 IDLE
            S1: + idling
            """);
        server.append(sales, "INBOX", 100);
        run("S1: * 1 EXISTS\nS1: * 1 RECENT");
        dir.removeTeamMember(sales.address(), EmailAddress.parse("alice@example.org"));
        server.append(sales, "INBOX", 100);
        run("S1: * BYE access to the selected mailbox was withdrawn");
        assertTrue(t.closed(1), "no count of the team's new mail reaches a former member");
    }

    @Test
    void aTeamMailboxIsSharedByItsMembersAndCannotLogIn() throws Exception {
        var dir = server.model.directory();
        dir.addTeam(EmailAddress.parse("sales@example.org"), QuotaLimits.UNLIMITED);
        dir.setTeamMember(EmailAddress.parse("sales@example.org"), EmailAddress.parse("alice@example.org"), org.postiljon.mailbox.api.Rights.MEMBER);
        server.account("carol@example.org");
        login(1, "alice@example.org");
        login(3, "carol@example.org");
        run("""
            C1: a1 LIST "" "Shared/*"
            S1: * LIST (\\Noselect \\HasChildren) "/" "Shared/sales"
            S1: * LIST (\\HasNoChildren \\Archive) "/" "Shared/sales/Archive"
            S1: * LIST (\\HasNoChildren \\Drafts) "/" "Shared/sales/Drafts"
            S1: * LIST (\\HasNoChildren) "/" "Shared/sales/INBOX"
            S1: * LIST (\\HasNoChildren \\Junk) "/" "Shared/sales/Junk"
            S1: * LIST (\\HasNoChildren \\Sent) "/" "Shared/sales/Sent"
            S1: * LIST (\\HasNoChildren \\Trash) "/" "Shared/sales/Trash"
            S1: a1 OK LIST completed
            C1: a2 SELECT Shared/sales/INBOX
            S1~ a2 OK [READ-WRITE] SELECT completed
            C1: a3 IDLE
            S1: + idling
            """);
        server.append(server.model.directory().find(EmailAddress.parse("sales@example.org")).orElseThrow(), "INBOX", 100);
        run("""
            S1: * 1 EXISTS
            S1: * 1 RECENT
            C1: DONE
            S1: a3 OK IDLE terminated
            C1: a4 CREATE Shared/sales/Leads
            S1: a4 OK [MAILBOXID *
            C1: a5 MYRIGHTS Shared/sales/Leads
            S1: * MYRIGHTS "Shared/sales/Leads" "lrswipkxtecd"
            S1: a5 OK MYRIGHTS completed
            C1: a6 GETQUOTAROOT Shared/sales/INBOX
            S1: * QUOTAROOT "Shared/sales/INBOX" "#user/sales@example.org"
            S1: * QUOTA "#user/sales@example.org" ()
            S1: a6 OK GETQUOTAROOT completed
            C3: c1 STATUS Shared/sales/INBOX (MESSAGES)
            S3: c1 NO [NONEXISTENT] no such mailbox: Shared/sales/INBOX
            C3: c2 LIST "" "Shared/*"
            S3: c2 OK LIST completed
            """);
        run("""
            S2: * OK [CAPABILITY *
            C2: x1 LOGIN sales@example.org "correct horse battery"
            S2: x1 NO *
            """);
    }

    @Test
    void aDomainMayRestrictNewFolderNamesWithAClearReason() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 CREATE "Gr&APYA3w-e"
            S1: a1 OK [MAILBOXID *
            C1: a2 LIST "" "Gr*"
            S1: * LIST (\\HasNoChildren) "/" "Gr&APYA3w-e"
            S1: a2 OK LIST completed
            """);
        server.model.directory().setDomainSetting(org.postiljon.mailbox.api.DomainName.of("example.org"),
                org.postiljon.mailbox.api.AccountSetting.FOLDER_NAMES, "restricted");
        run("""
            C1: a3 CREATE "Projects/&AMQ-rger"
            S1: a3 NO [CANNOT] folder names in example.org may only use the letters a-z, digits, '_' and '-' (a policy of the domain, for mail programs that mishandle other characters); '\u00c4rger' does not
            C1: a4 CREATE "Projects/2026_Q4-final"
            S1: a4 OK [MAILBOXID *
            C1: a5 RENAME "Gr&APYA3w-e" "Gr&APYA3w-er"
            S1: a5 NO [CANNOT] *
            C1: a6 RENAME "Gr&APYA3w-e" "Greetings"
            S1: a6 OK RENAME completed
            C1: a7 SELECT "Projects/2026_Q4-final"
            S1~ a7 OK [READ-WRITE] SELECT completed
            """);
    }
}
