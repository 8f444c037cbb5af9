package org.postiljon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How long an IDLE waits to hear of new mail (issue #18): an IMAP session IDLEs on one node
 * ({@code --idle-port}) while messages arrive over LMTP at another ({@code --lmtp-port}), one at a
 * time; each round measures from the LMTP 250 to the "* n EXISTS". With both ports on one node it
 * is the same-node figure.
 *
 * <pre>NodesIdle --idle-port 11143 --lmtp-port 12024 --user user1@bench.test --password secret [--rounds 200]</pre>
 */
public final class NodesIdle {

    public static void main(String[] args) throws Exception {
        Options o = new Options(args);
        int idlePort = o.number("idle-port", 143), lmtpPort = o.number("lmtp-port", 24), rounds = o.number("rounds", 200);
        String user = o.get("user", "user1@bench.test"), password = o.get("password", "bench-password");
        long[] micros = new long[rounds];
        try (Socket imap = new Socket("127.0.0.1", idlePort); Socket lmtp = new Socket("127.0.0.1", lmtpPort)) {
            imap.setSoTimeout(30_000);
            lmtp.setSoTimeout(30_000);
            BufferedReader in = reader(imap), lin = reader(lmtp);
            OutputStream out = imap.getOutputStream(), lout = lmtp.getOutputStream();
            in.readLine();
            command(in, out, "a LOGIN \"" + user + "\" \"" + password + "\"", "a ");
            command(in, out, "b SELECT INBOX", "b ");
            expect(lin, "220");
            send(lout, "LHLO bench.test");
            expect(lin, "250 ");
            send(out, "c IDLE");
            if (!in.readLine().startsWith("+")) throw new IOException("IDLE refused");
            for (int i = 0; i < rounds + 20; i++) { // 20 rounds of warm-up
                send(lout, "MAIL FROM:<bench@remote.test>");
                expect(lin, "250");
                send(lout, "RCPT TO:<" + user + ">");
                expect(lin, "250");
                send(lout, "DATA");
                expect(lin, "354");
                send(lout, "Subject: round " + i + "\r\n\r\nbody\r\n.");
                expect(lin, "250");
                long acknowledged = System.nanoTime();
                String line;
                do {
                    line = in.readLine();
                    if (line == null) throw new IOException("IMAP connection closed");
                } while (!line.endsWith(" EXISTS"));
                if (i >= 20) micros[i - 20] = (System.nanoTime() - acknowledged) / 1000;
            }
            send(out, "DONE");
        }
        Arrays.sort(micros);
        System.out.printf("IDLE on :%d hears LMTP deliveries to :%d, %d rounds: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                idlePort, lmtpPort, rounds, micros[rounds / 2] / 1000.0, micros[rounds * 9 / 10] / 1000.0,
                micros[Math.min(rounds - 1, rounds * 99 / 100)] / 1000.0, micros[rounds - 1] / 1000.0);
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void command(BufferedReader in, OutputStream out, String line, String tag) throws IOException {
        send(out, line);
        String r;
        do {
            r = in.readLine();
            if (r == null) throw new IOException("closed after " + line);
        } while (!r.startsWith(tag));
        if (!r.startsWith(tag + "OK")) throw new IOException(line + " -> " + r);
    }

    private static void expect(BufferedReader in, String prefix) throws IOException {
        String r;
        do {
            r = in.readLine();
            if (r == null) throw new IOException("LMTP connection closed, expected " + prefix);
        } while (r.length() > 3 && r.charAt(3) == '-');
        if (!r.startsWith(prefix)) throw new IOException("expected " + prefix + ", got " + r);
    }
}
