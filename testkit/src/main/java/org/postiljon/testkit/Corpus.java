package org.postiljon.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample mail from {@code ../shared/corpus/gen_mbox.py}: deterministic for a seed, realistic in
 * shape (multipart, attachments, RFC 2047/2231, threads). Messages come back with CRLF endings.
 */
public final class Corpus {

    private Corpus() { }

    /** The shared folder: system property {@code postiljon.shared}, else {@code ../shared} upwards. */
    public static Path shared() {
        String p = System.getProperty("postiljon.shared");
        if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("shared/corpus"))) return dir.resolve("shared");
            if (Files.isDirectory(dir.resolve("../shared/corpus"))) return dir.resolve("../shared").normalize();
            dir = dir.getParent();
        }
        throw new IllegalStateException("shared/corpus not found; set -Dpostiljon.shared");
    }

    /** Generates {@code count} messages with {@code seed} into {@code workDir} and returns them. */
    public static List<byte[]> messages(Path workDir, int count, int seed) throws IOException, InterruptedException {
        Path gen = shared().resolve("corpus/gen_mbox.py");
        Path out = workDir.resolve("corpus-" + count + "-" + seed + ".mbox");
        if (!Files.exists(out)) {
            Process p = new ProcessBuilder("python3", gen.toString(), "-n", String.valueOf(count), "--seed", String.valueOf(seed),
                    "-o", out.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IOException("gen_mbox.py failed: " + log);
        }
        return splitMbox(Files.readAllBytes(out));
    }

    /** mboxrd: "From " lines separate messages, ">From " is unquoted, LF becomes CRLF. */
    public static List<byte[]> splitMbox(byte[] mbox) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : new String(mbox, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            if (line.startsWith("From ")) {
                if (cur != null) out.add(trimmed(cur));
                cur = new StringBuilder();
                continue;
            }
            if (cur == null) continue;
            if (line.matches("^>+From .*")) line = line.substring(1);
            cur.append(line).append("\r\n");
        }
        if (cur != null) out.add(trimmed(cur));
        return out;
    }

    /** The blank line mbox puts between messages is not part of the message. */
    private static byte[] trimmed(StringBuilder b) {
        String s = b.toString();
        while (s.endsWith("\r\n\r\n")) s = s.substring(0, s.length() - 2);
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
