package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.testkit.Corpus;

/**
 * The per-user classifier learns from what the user does over IMAP and JMAP: spam moved into Junk,
 * mail filed into folders or moved out of Junk. On a labelled corpus made here (ham: the shared
 * corpus's shapes; spam: generated offers, phishing and scams that pass the built-in rules), an
 * untrained account files almost no spam in Junk; after the user has moved 40 spam messages to
 * Junk and filed 40 ham messages, new mail is sorted with high precision and recall.
 */
class SpamTrainingTest {

    static final String[] SPAM_SUBJECTS = {"Exclusive offer just for you", "Your account will be suspended", "Claim your prize today",
            "Lowest prices on meds", "Make money from home", "You have won", "Urgent: verify your wallet", "Hot singles near you",
            "Limited time discount", "Investment opportunity 500% returns"};
    static final String[] SPAM_WORDS = ("viagra cialis pharmacy pills discount cheap offer winner prize claim lottery bitcoin crypto wallet invest"
            + " profit guaranteed income casino bonus free unsubscribe click here limited exclusive deal loan credit approved urgent verify"
            + " account suspended password bank transfer million inheritance beneficiary replica watches luxury weight loss miracle dating"
            + " singles congratulations selected reward gift card act now risk-free order today best price").split(" ");
    static final String[] NEUTRAL = "the and you your for with this that from have will are our more all can".split(" ");
    static final String[] SPAM_HOSTS = {"best-deals.top", "pharma-shop.xyz", "crypto-gains.biz", "prize-center.click", "secure-verify.info"};

    /** A spam message that the rules alone do not catch: Date, Message-ID, From, mixed case, text. */
    static String spam(Random r, int n) {
        StringBuilder body = new StringBuilder();
        int words = 40 + r.nextInt(60);
        for (int i = 0; i < words; i++) {
            body.append(r.nextInt(3) == 0 ? NEUTRAL[r.nextInt(NEUTRAL.length)] : SPAM_WORDS[r.nextInt(SPAM_WORDS.length)]);
            body.append(i % 12 == 11 ? "\r\n" : " ");
        }
        String host = SPAM_HOSTS[r.nextInt(SPAM_HOSTS.length)];
        body.append("\r\nhttp://").append(host).append("/o/").append(r.nextInt(100000)).append("\r\n");
        return "From: \"Offers\" <news" + n + "@" + host + ">\r\nTo: alice@example.test\r\nSubject: " + SPAM_SUBJECTS[r.nextInt(SPAM_SUBJECTS.length)]
                + "\r\nDate: Fri, 4 Dec 2026 10:" + String.format("%02d", n % 60) + ":00 +0000\r\nMessage-ID: <spam-" + n + "@" + host
                + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body;
    }

    static final Pattern MID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)");

    static String messageId(String m) {
        Matcher x = MID.matcher(m);
        return x.find() ? x.group(1) : null;
    }

    record Score(int spamInJunk, int hamInJunk, int spam) {
        double precision() {
            return spamInJunk + hamInJunk == 0 ? 1.0 : (double) spamInJunk / (spamInJunk + hamInJunk);
        }

        double recall() {
            return (double) spamInJunk / spam;
        }

        @Override
        public String toString() {
            return String.format("precision %.2f, recall %.2f (%d of %d spam in Junk, %d ham in Junk)", precision(), recall(), spamInJunk, spam, hamInJunk);
        }
    }

    @Test
    void movingMailIntoAndOutOfJunkTeachesTheFilter(@TempDir Path dir) throws Exception {
        List<String> ham = new ArrayList<>();
        for (byte[] m : Corpus.messages(dir, 200, 23)) {
            String s = new String(m, StandardCharsets.UTF_8);
            if (messageId(s) != null && !ham.stream().anyMatch(h -> messageId(h).equals(messageId(s)))) ham.add(s);
        }
        Random r = new Random(7);
        List<String> spam = new ArrayList<>();
        for (int i = 0; i < 120; i++) spam.add(spam(r, i));
        List<String> trainHam = ham.subList(0, 40), trainSpam = spam.subList(0, 40);
        List<String> testHam = ham.subList(40, 100), testSpam = spam.subList(40, 100);

        try (WebNode node = new WebNode(dir.resolve("data"))) {
            // Untrained (bob): the rules alone.
            Score before = deliverAndScore(node, WebNode.BOB, testHam, testSpam);

            // alice receives mail, files the ham and moves the spam to Junk over IMAP.
            for (String m : trainHam) node.deliver(WebNode.ALICE, m);
            for (String m : trainSpam) node.deliver(WebNode.ALICE, m);
            try (ImapProbe p = new ImapProbe(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                p.command("CREATE Projects");
                p.command("SELECT INBOX");
                p.command("UID MOVE 1:40 Projects"); // the ham came first
                p.command("UID MOVE 41:80 Junk");
            }
            Account alice = node.node.model().directory().find(EmailAddress.parse(WebNode.ALICE)).orElseThrow();
            var classifier = node.node.model().spam();
            for (int i = 0; i < 200 && !classifier.idle(); i++) Thread.sleep(50);
            assertTrue(classifier.idle());
            long[] trained = classifier.trained(alice);
            assertEquals(40, trained[0], "spam trained");
            assertEquals(40, trained[1], "ham trained");

            Score after = deliverAndScore(node, WebNode.ALICE, testHam, testSpam);
            System.out.println("spam filter, untrained: " + before + "; after training on 40 + 40 moves: " + after);
            assertTrue(before.recall() < 0.2, "the rules alone let this spam through: " + before);
            assertTrue(after.recall() >= 0.9, after.toString());
            assertTrue(after.precision() >= 0.95, after.toString());

            // JMAP (the webmail): a message moved out of Junk to the INBOX is trained as ham.
            String junkId = null, inboxId = null, acc = org.postiljon.jmap.Jmap.accountId(alice);
            for (var m : node.api(WebNode.ALICE, "[[\"Mailbox/get\",{\"accountId\":\"" + acc + "\"},\"0\"]]").get(0).get(1).get("list")) {
                if (m.path("role").asText().equals("junk")) junkId = m.get("id").asText();
                if (m.path("role").asText().equals("inbox")) inboxId = m.get("id").asText();
            }
            String emailId = node.api(WebNode.ALICE, "[[\"Email/query\",{\"accountId\":\"" + acc + "\",\"filter\":{\"inMailbox\":\"" + junkId + "\"},\"limit\":1},\"0\"]]")
                    .get(0).get(1).get("ids").get(0).asText();
            var set = node.api(WebNode.ALICE, "[[\"Email/set\",{\"accountId\":\"" + acc + "\",\"update\":{\"" + emailId + "\":{\"mailboxIds\":{\"" + inboxId + "\":true}}}},\"0\"]]");
            assertTrue(set.get(0).get(1).get("updated").has(emailId), set.toString());
            for (int i = 0; i < 200 && !classifier.idle(); i++) Thread.sleep(50);
            long[] now = classifier.trained(alice);
            assertEquals(trained[1] + 1, now[1], "one more ham");
            assertTrue(now[0] == trained[0] || now[0] == trained[0] - 1, "a message trained as spam before counts as spam no more: " + now[0]);

            // A mail program's junk button sets a keyword (Thunderbird: Junk; Apple Mail and JMAP: $Junk): spam too.
            node.deliver(WebNode.ALICE, ham.getLast()); // one the classifier lets through, so it is the newest in the INBOX
            try (ImapProbe p = new ImapProbe(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                p.command("SELECT INBOX");
                p.command("UID STORE " + p.command("UID SEARCH ALL").getFirst().replaceAll(".* ", "") + " +FLAGS (Junk)");
            }
            for (int i = 0; i < 200 && !classifier.idle(); i++) Thread.sleep(50);
            assertEquals(now[0] + 1, classifier.trained(alice)[0], "the Junk keyword trains spam");
        }
    }

    /** Delivers the test mail to {@code to} over port 25 and counts which landed in Junk. */
    static Score deliverAndScore(WebNode node, String to, List<String> ham, List<String> spam) throws Exception {
        for (String m : ham) node.deliver(to, m);
        for (String m : spam) node.deliver(to, m);
        Set<String> junk = new HashSet<>();
        try (ImapProbe p = new ImapProbe(node.imapPort(), to, WebNode.PASSWORD)) {
            boolean empty = p.command("EXAMINE Junk").contains("* 0 EXISTS");
            for (String line : empty ? List.<String>of() : p.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")) {
                Matcher x = Pattern.compile("(<[^>]+>)").matcher(line);
                if (line.regionMatches(true, 0, "Message-ID:", 0, 11) && x.find()) junk.add(x.group(1));
            }
        }
        int spamInJunk = (int) spam.stream().filter(m -> junk.contains(messageId(m))).count();
        int hamInJunk = (int) ham.stream().filter(m -> junk.contains(messageId(m))).count();
        return new Score(spamInJunk, hamInJunk, spam.size());
    }
}
