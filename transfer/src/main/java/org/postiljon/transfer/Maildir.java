package org.postiljon.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.postiljon.mailbox.api.Flags;

/**
 * The Maildir format as Dovecot and Courier write it (Maildir++): the inbox is the top directory,
 * other folders are directories named {@code .Level1.Level2} (levels in IMAP's modified UTF-7,
 * RFC 3501 §5.1.3), each with {@code cur/ new/ tmp/}. A message is a file whose name ends in
 * {@code :2,} and its flag letters (D draft, F flagged, P passed, R replied, S seen, T trashed, and
 * {@code a}-{@code z} for the keywords listed in {@code dovecot-keywords}). Subscriptions are in
 * {@code subscriptions} (Dovecot: "V\t2", then names with tab-separated levels) or in
 * {@code courierimapsubscribed} (Courier: {@code INBOX.}-prefixed names).
 */
final class Maildir {

    private Maildir() { }

    /** The keyword letter file: "0 $Label1" is keyword letter a. */
    static final String KEYWORDS = "dovecot-keywords";
    static final String UIDLIST = "dovecot-uidlist";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String COURIER_SUBSCRIPTIONS = "courierimapsubscribed";

    /** Flag letters in the order the Maildir specification wants them (ASCII). */
    private static final String LETTERS = "DFPRST";
    private static final String[] FLAGS = {Flags.DRAFT, Flags.FLAGGED, "$Forwarded", Flags.ANSWERED, Flags.SEEN, Flags.DELETED};

    static Map<Integer, String> keywords(Path folder) throws IOException {
        Map<Integer, String> out = new LinkedHashMap<>();
        Path f = folder.resolve(KEYWORDS);
        if (!Files.isRegularFile(f)) return out;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            if (space <= 0) continue;
            try {
                out.put(Integer.parseInt(line.substring(0, space)), line.substring(space + 1).strip());
            } catch (NumberFormatException e) {
                // not a keyword line
            }
        }
        return out;
    }

    /** The flags in a file name ({@code ...:2,FRSab}). */
    static Flags flags(String fileName, Map<Integer, String> keywords) {
        int info = fileName.lastIndexOf(":2,");
        if (info < 0) return Flags.NONE;
        List<String> names = new ArrayList<>();
        for (char c : fileName.substring(info + 3).toCharArray()) {
            int i = LETTERS.indexOf(c);
            if (i >= 0) names.add(FLAGS[i]);
            else if (c >= 'a' && c <= 'z' && keywords.containsKey(c - 'a')) names.add(keywords.get(c - 'a'));
        }
        return Flags.of(names);
    }

    /**
     * The letters for {@code flags}, with keywords given letters in {@code keywords} (added to it
     * when new); a keyword past the 26 letters cannot be kept in a file name and is returned in {@code lost}.
     */
    static String letters(Flags flags, List<String> keywords, List<String> lost) {
        StringBuilder upper = new StringBuilder(), lower = new StringBuilder();
        for (int i = 0; i < FLAGS.length; i++) if (flags.contains(FLAGS[i])) upper.append(LETTERS.charAt(i));
        for (String f : flags.names()) {
            if (f.startsWith("\\") || f.equals("$Forwarded")) continue;
            int k = keywords.indexOf(f);
            if (k < 0 && keywords.size() < 26) {
                keywords.add(f);
                k = keywords.size() - 1;
            }
            if (k < 0) lost.add(f);
            else lower.append((char) ('a' + k));
        }
        char[] l = lower.toString().toCharArray();
        java.util.Arrays.sort(l);
        return upper + new String(l);
    }

    /** A Maildir++ directory name's levels: ".Projekt.&ANw-ber" is [Projekt, Über]; "\2e" is a dot inside a level. */
    static List<String> levels(String dirName) {
        List<String> out = new ArrayList<>();
        for (String level : dirName.substring(1).split("\\.", -1)) {
            if (level.isEmpty()) continue;
            out.add(unescape(BASE64MailboxDecoder.decode(level)));
        }
        return out;
    }

    /** The directory name for levels; a dot or backslash inside a level is written \2e, \5c (Dovecot's listescape). */
    static String dirName(List<String> levels) {
        StringBuilder b = new StringBuilder();
        for (String level : levels) b.append('.').append(BASE64MailboxEncoder.encode(level.replace("\\", "\\5c").replace(".", "\\2e")));
        return b.toString();
    }

    private static String unescape(String level) {
        if (level.indexOf('\\') < 0) return level;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c == '\\' && i + 2 < level.length() && isHex(level.charAt(i + 1)) && isHex(level.charAt(i + 2))) {
                b.append((char) Integer.parseInt(level.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Subscribed names' levels from Dovecot's or Courier's file; empty when neither is there. */
    static List<List<String>> subscriptions(Path root) throws IOException {
        List<List<String>> out = new ArrayList<>();
        Path dovecot = root.resolve(SUBSCRIPTIONS), courier = root.resolve(COURIER_SUBSCRIPTIONS);
        if (Files.isRegularFile(dovecot)) {
            List<String> lines = Files.readAllLines(dovecot, StandardCharsets.UTF_8);
            boolean v2 = !lines.isEmpty() && lines.getFirst().startsWith("V\t");
            for (String line : v2 ? lines.subList(1, lines.size()) : lines) {
                if (line.isEmpty()) continue;
                List<String> levels = new ArrayList<>();
                for (String l : line.split(v2 ? "\t" : "\\.", -1)) if (!l.isEmpty()) levels.add(BASE64MailboxDecoder.decode(l));
                if (!levels.isEmpty()) out.add(levels);
            }
        } else if (Files.isRegularFile(courier)) {
            for (String line : Files.readAllLines(courier, StandardCharsets.UTF_8)) {
                String name = line.strip();
                if (name.regionMatches(true, 0, "INBOX.", 0, 6)) name = name.substring(6);
                if (!name.isEmpty()) out.add(levels("." + name));
            }
        }
        return out;
    }
}
