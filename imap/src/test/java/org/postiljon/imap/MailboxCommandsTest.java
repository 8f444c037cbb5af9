package org.postiljon.imap;

import org.junit.jupiter.api.Test;

/** CREATE, DELETE, RENAME, SUBSCRIBE, LIST, LSUB, STATUS over the wire, with two sessions. */
class MailboxCommandsTest extends ImapTranscriptTest {

    @Test
    void childInfoOnlyWhereASubscribedDescendantIsNotListed() throws Exception {
        login(1, "alice@example.org");
        StringBuilder script = new StringBuilder();
        int n = 0;
        for (String box : new String[] {"foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2/mamba", "qux2/bar2"}) {
            script.append("C1: c").append(n).append(" CREATE ").append(box).append("\nS1: c").append(n++).append(" OK *\n");
        }
        for (String box : new String[] {"foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2", "eps2/mamba", "qux2/bar2"}) {
            script.append("C1: s").append(n).append(" SUBSCRIBE ").append(box).append("\nS1: s").append(n++).append(" OK *\n");
        }
        run(script.toString());
        run("""
            # RFC 5258 §5 example 9 (§3.5): foo2 and eps2 have a subscribed child the pattern does not return; baz2's are all returned
            C1: d3 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*2"
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "baz2/bar2"
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "baz2/bar22"
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "baz2/bar222"
            S1: * LIST (\\HasChildren \\Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))
            S1: * LIST (\\HasChildren) "/" "foo2" ("CHILDINFO" ("SUBSCRIBED"))
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "foo2/bar2"
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "qux2/bar2"
            S1: d3 OK LIST completed
            """);
    }

    @Test
    void createMakesParentsAndRejectsDuplicates() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run("""
            C1: a1 CREATE Archive/2024/
            S1: a1 OK [MAILBOXID *
            C1: a2 CREATE Archive/2024
            S1: a2 NO [ALREADYEXISTS] mailbox already exists: Archive/2024
            C2: b1 STATUS Archive/2024 (MESSAGES)
            S2: * STATUS "Archive/2024" (MESSAGES 0)
            S2: b1 OK STATUS completed
            C1: a3 CREATE inbox
            S1: a3 NO [ALREADYEXISTS] mailbox already exists: INBOX
            C1: a4 CREATE "bad/*name"
            S1: a4 NO [CANNOT] mailbox names cannot contain * or %
            C1: a5 CREATE "a//b"
            S1: a5 NO [CANNOT] mailbox name has an empty level: "a//b"
            C1: a6 CREATE " lead"
            S1: a6 NO [CANNOT] mailbox name level starts or ends with a space: " lead"
            C1: a7 CREATE Spam (USE (\\Junk))
            S1: a7 OK [MAILBOXID *
            C1: a8 CREATE Odd (USE (\\Nonsense))
            S1: a8 NO [USEATTR] unknown special use \\nonsense
            """);
    }

    @Test
    void namespacePrefixesInvalidUtf8AndLookAlikeNamesAreRefused() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 CREATE Shared
            S1: a1 NO [CANNOT] 'Shared' is where other users' and teams' folders appear; choose another name
            C1: a2 CREATE "other users"
            S1: a2 NO [CANNOT] 'other users' is where other users' and teams' folders appear; choose another name
            C1: a3 CREATE Work
            S1: a3 OK [MAILBOXID *
            C1: a4 RENAME Work Shared
            S1: a4 NO [CANNOT] 'Shared' is where other users' and teams' folders appear; choose another name
            C1: a5 ENABLE UTF8=ACCEPT
            S1: * ENABLED UTF8=ACCEPT
            S1: a5 OK *
            """);
        java.io.OutputStream out = t.socket(1).getOutputStream();
        out.write(new byte[] {'a', '6', ' ', 'C', 'R', 'E', 'A', 'T', 'E', ' ', '{', '3', '+', '}', '\r', '\n', 'a', (byte) 0xff, 'b', '\r', '\n'});
        out.flush();
        run("""
            S1: a6 NO [CANNOT] mailbox name is not valid UTF-8
            C1: a7 CREATE "Cafe\u0301"
            S1: a7 OK [MAILBOXID *
            C1: a8 CREATE "Caf\u00e9"
            S1: a8 NO [ALREADYEXISTS] mailbox already exists: Caf\u00e9
            C1: a9 LIST "" "Caf*"
            S1: * LIST (\\HasNoChildren) "/" "Caf\u00e9"
            S1: a9 OK LIST completed
            """);
    }

    @Test
    void recentIsReportedByExamineAndStatusWithoutBeingTakenAndTildeNamesAreAtoms() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a0 SELECT ~foo
            S1: a0 NO [NONEXISTENT] no such mailbox: ~foo
            C1: a1 CREATE ~foo
            S1: a1 OK [MAILBOXID *
            """);
        t.send(1, "a2 APPEND ~foo {14+}\r\nSubject: x\r\n\r\n\r\n");
        run("""
            S1: a2 OK [APPENDUID *
            C1: a3 STATUS ~foo (MESSAGES RECENT)
            S1: * STATUS "~foo" (MESSAGES 1 RECENT 1)
            S1: a3 OK STATUS completed
            C1: a4 EXAMINE ~foo
            S1~ * 1 RECENT
            S1~ a4 OK [READ-ONLY] EXAMINE completed
            C1: a5 SELECT ~foo
            S1~ * 1 RECENT
            S1~ a5 OK [READ-WRITE] SELECT completed
            C1: a6 STATUS ~foo (RECENT)
            S1: * STATUS "~foo" (RECENT 0)
            S1: a6 OK STATUS completed
            C1: a7 SEARCH SINCE 24-mar-2007 BEFORE 1-JAN-2100
            S1: * SEARCH 1
            S1: a7 OK SEARCH completed
            """);
    }

    @Test
    void listShowsHierarchySpecialUseAndSubscriptions() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 CREATE Work/Clients
            S1: a1 OK [MAILBOXID *
            C1: a2 LIST "" *
            S1: * LIST (\\HasNoChildren \\Archive) "/" "Archive"
            S1: * LIST (\\HasNoChildren \\Drafts) "/" "Drafts"
            S1: * LIST (\\HasNoChildren) "/" "INBOX"
            S1: * LIST (\\HasNoChildren \\Junk) "/" "Junk"
            S1: * LIST (\\HasNoChildren \\Sent) "/" "Sent"
            S1: * LIST (\\HasNoChildren \\Trash) "/" "Trash"
            S1: * LIST (\\HasChildren) "/" "Work"
            S1: * LIST (\\HasNoChildren) "/" "Work/Clients"
            S1: a2 OK LIST completed
            C1: a3 LIST "" %
            S1: * LIST (\\HasNoChildren \\Archive) "/" "Archive"
            S1: * LIST (\\HasNoChildren \\Drafts) "/" "Drafts"
            S1: * LIST (\\HasNoChildren) "/" "INBOX"
            S1: * LIST (\\HasNoChildren \\Junk) "/" "Junk"
            S1: * LIST (\\HasNoChildren \\Sent) "/" "Sent"
            S1: * LIST (\\HasNoChildren \\Trash) "/" "Trash"
            S1: * LIST (\\HasChildren) "/" "Work"
            S1: a3 OK LIST completed
            C1: a4 LIST "" ""
            S1: * LIST (\\Noselect) "/" ""
            S1: a4 OK LIST completed
            C1: a5 LIST (SUBSCRIBED) "" "Work*" RETURN (CHILDREN)
            S1: a5 OK LIST completed
            C1: a6 SUBSCRIBE Work/Clients
            S1: a6 OK SUBSCRIBE completed
            C1: a7 LIST (SUBSCRIBED RECURSIVEMATCH) "" "Work"
            S1: * LIST (\\HasChildren) "/" "Work" ("CHILDINFO" ("SUBSCRIBED"))
            S1: a7 OK LIST completed
            C1: a8 LIST "" "Work/*" RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))
            S1: * LIST (\\HasNoChildren \\Subscribed) "/" "Work/Clients"
            S1: * STATUS "Work/Clients" (MESSAGES 0 UNSEEN 0)
            S1: a8 OK LIST completed
            C1: a9 LSUB "" "W*"
            S1: * LSUB () "/" "Work/Clients"
            S1: a9 OK LSUB completed
            C1: a10 LSUB "" "W%"
            S1: * LSUB (\\Noselect) "/" "Work"
            S1: a10 OK LSUB completed
            C1: b1 SUBSCRIBE Nowhere
            S1: b1 NO [NONEXISTENT] no such mailbox: Nowhere
            C1: b2 LIST (SPECIAL-USE) "" *
            S1: * LIST (\\HasNoChildren \\Archive) "/" "Archive"
            S1: * LIST (\\HasNoChildren \\Drafts) "/" "Drafts"
            S1: * LIST (\\HasNoChildren \\Junk) "/" "Junk"
            S1: * LIST (\\HasNoChildren \\Sent) "/" "Sent"
            S1: * LIST (\\HasNoChildren \\Trash) "/" "Trash"
            S1: b2 OK LIST completed
            """);
    }

    @Test
    void renameMovesSubtreesAndInboxRenameEmptiesInbox() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 CREATE Work/Clients/ACME
            S1: a1 OK [MAILBOXID *
            C1: a2 RENAME Work Job
            S1: a2 OK RENAME completed
            C1: a3 LIST "" Job*
            S1: * LIST (\\HasChildren) "/" "Job"
            S1: * LIST (\\HasChildren) "/" "Job/Clients"
            S1: * LIST (\\HasNoChildren) "/" "Job/Clients/ACME"
            S1: a3 OK LIST completed
            C1: a4 RENAME Job Job/Inner
            S1: a4 NO [CANNOT] cannot rename Job into itself
            C1: a5 RENAME Nowhere Else
            S1: a5 NO [NONEXISTENT] no such mailbox: Nowhere
            C1: a6 APPEND INBOX {19+}
            C1: Subject: hi
            C1:
            C1: body
            S1: a6 OK [APPENDUID ${v} 1] APPEND completed
            C1: a7 RENAME INBOX "Old Mail"
            S1: a7 OK RENAME completed
            C1: a8 STATUS INBOX (MESSAGES)
            S1: * STATUS "INBOX" (MESSAGES 0)
            S1: a8 OK STATUS completed
            C1: a9 STATUS "Old Mail" (MESSAGES)
            S1: * STATUS "Old Mail" (MESSAGES 1)
            S1: a9 OK STATUS completed
            """);
    }

    @Test
    void deleteRefusesInboxAndStatusReportsSizes() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 DELETE INBOX
            S1: a1 NO [CANNOT] INBOX cannot be deleted
            C1: a2 DELETE Nope
            S1: a2 NO [NONEXISTENT] no such mailbox: Nope
            C1: a3 APPEND Trash (\\Deleted) {19+}
            C1: Subject: x
            C1:
            C1: 12345
            S1: a3 OK [APPENDUID ${v} 1] APPEND completed
            C1: a4 STATUS Trash (MESSAGES UNSEEN DELETED SIZE UIDNEXT)
            S1: * STATUS "Trash" (MESSAGES 1 UNSEEN 1 DELETED 1 SIZE 19 UIDNEXT 2)
            S1: a4 OK STATUS completed
            C1: a5 STATUS Trash (BOGUS)
            S1: a5 BAD unknown STATUS item BOGUS
            """);
    }

    @Test
    void multiappendAddsAllOrNothing() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 APPEND Archive (\\Seen) {10+}
            C1: Subject: a (\\Flagged) {10+}
            C1: Subject: b
            S1: a1 OK [APPENDUID ${v} 1:2] APPEND completed
            C1: a2 STATUS Archive (MESSAGES UNSEEN)
            S1: * STATUS "Archive" (MESSAGES 2 UNSEEN 1)
            S1: a2 OK STATUS completed
            C1: a3 APPEND Archive {10+}
            C1: Subject: c {60000000}
            S1: a3 NO [TOOBIG] literal of 60000000 bytes is larger than 52428800
            C1: a4 STATUS Archive (MESSAGES)
            S1: * STATUS "Archive" (MESSAGES 2)
            S1: a4 OK STATUS completed
            """);
    }

    @Test
    void metadataOfAnAccountIsBoundedInAllNotOnlyPerEntry() throws Exception {
        // RFC 5464 §4.3 lets a server limit entries; values do not count toward the quota, so an account's total is bounded.
        login(1, "alice@example.org");
        String value = "v".repeat(64 * 1024);
        for (int i = 0; i < 16; i++) {
            t.send(1, "m" + i + " SETMETADATA INBOX (/private/n" + i + " {" + value.length() + "+}\r\n" + value + ")\r\n");
            run("S1: m" + i + " OK SETMETADATA completed\n");
        }
        t.send(1, "m16 SETMETADATA Drafts (/private/more {10+}\r\n0123456789)\r\n");
        run("""
            S1: m16 NO [METADATA TOOMANY] *
            C1: m17 GETMETADATA Drafts /private/more
            S1: * METADATA "Drafts" (/private/more NIL)
            S1: m17 OK GETMETADATA completed
            C1: m18 SETMETADATA INBOX (/private/n0 NIL)
            S1: m18 OK SETMETADATA completed
            C1: m19 SETMETADATA Drafts (/private/more "fits again")
            S1: m19 OK SETMETADATA completed
            """);
    }
}
