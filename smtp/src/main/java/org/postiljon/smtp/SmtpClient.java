package org.postiljon.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postiljon.mailbox.api.OutboundQueue;

/** One outgoing SMTP connection (RFC 5321 as a client), with STARTTLS (RFC 3207). */
final class SmtpClient implements AutoCloseable {

    /** A reply: the code and its text lines joined. */
    record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code < 400;
        }

        boolean permanent() {
            return code >= 500;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Set<String> extensions = new HashSet<>();
    private boolean secure;

    private SmtpClient(Socket socket) throws IOException {
        use(socket);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = new BufferedOutputStream(s.getOutputStream());
    }

    static SmtpClient connect(InetSocketAddress address, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return new SmtpClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    boolean isSecure() {
        return secure;
    }

    /** The server's certificate chain, leaf first; empty before TLS. */
    java.security.cert.X509Certificate[] peerCertificates() {
        if (!(socket instanceof javax.net.ssl.SSLSocket tls)) return new java.security.cert.X509Certificate[0];
        try {
            return java.util.Arrays.stream(tls.getSession().getPeerCertificates()).filter(c -> c instanceof java.security.cert.X509Certificate)
                    .map(c -> (java.security.cert.X509Certificate) c).toArray(java.security.cert.X509Certificate[]::new);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new java.security.cert.X509Certificate[0];
        }
    }

    Reply read() throws IOException {
        return read(null);
    }

    /** A reply; its lines after the first go to {@code lines} when given (EHLO keywords). */
    private Reply read(List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int n = 0; ; n++) {
            String line = line();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) throw new IOException("not an SMTP reply: " + line);
            if (!text.isEmpty()) text.append(' ');
            String rest = line.length() > 4 ? line.substring(4) : "";
            text.append(rest);
            if (lines != null && n > 0) lines.add(rest);
            if (line.length() < 4 || line.charAt(3) != '-') return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed by the server");
            if (b.length() > 4096) throw new IOException("reply line too long");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read();
    }

    Reply ehlo(String hostname) throws IOException {
        extensions.clear();
        out.write(("EHLO " + hostname + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<String> keywords = new ArrayList<>();
        Reply r = read(keywords);
        if (r.code() != 250) return command("HELO " + hostname);
        for (String k : keywords) extensions.add(k.toUpperCase(Locale.ROOT).split(" ")[0]); // RFC 5321 §4.1.1.1
        return r;
    }

    boolean offers(String extension) {
        return extensions.contains(extension);
    }

    /**
     * STARTTLS when offered (RFC 3207), then EHLO again. The certificate is checked for
     * {@code peerName} and the verdict returned; whether a bad one stops the delivery is the
     * caller's to say (only a policy, MTA-STS or DANE, says which certificate to expect).
     *
     * @return the certificate check's verdict; null when TLS was not started
     */
    OutboundTls.Verdict startTls(String hostname, String peerName, OutboundTls tls) throws IOException {
        if (!offers("STARTTLS")) return null;
        Reply r = command("STARTTLS");
        if (r.code() != 220) return null;
        OutboundTls.Handshake h = tls.handshake(socket, peerName);
        use(h.socket());
        secure = true;
        ehlo(hostname);
        return h.verdict();
    }

    /** AUTH PLAIN (RFC 4616) for a smarthost; only over TLS. */
    Reply authPlain(String user, String password) throws IOException {
        if (!secure) throw new IOException("refusing to send a password without TLS");
        String ir = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + ir);
    }

    /**
     * One transaction: the reply for each recipient (the DATA reply for those RCPT accepted). The
     * RFC 3461 requests go along when the server offers DSN.
     */
    List<Reply> send(String from, OutboundQueue.Dsn dsn, List<OutboundQueue.Target> targets, InputStream message, long size) throws IOException {
        List<String> recipients = targets.stream().map(OutboundQueue.Target::address).toList();
        boolean utf8 = !(isAscii(from) && recipients.stream().allMatch(SmtpClient::isAscii));
        boolean dsnOn = offers("DSN");
        String params = (offers("SIZE") ? " SIZE=" + size : "") + (offers("8BITMIME") ? " BODY=8BITMIME" : "") + (utf8 && offers("SMTPUTF8") ? " SMTPUTF8" : "")
                + (dsnOn && dsn.ret() != null ? " RET=" + dsn.ret() : "") + (dsnOn && dsn.envid() != null ? " ENVID=" + dsn.envid() : "");
        Reply mail = command("MAIL FROM:<" + from + ">" + params);
        List<Reply> out = new ArrayList<>();
        if (!mail.positive()) {
            for (int i = 0; i < recipients.size(); i++) out.add(mail);
            return out;
        }
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            OutboundQueue.Target t = targets.get(i);
            String rcptParams = !dsnOn ? "" : (t.notifyOn() != null ? " NOTIFY=" + t.notifyOn() : "") + (t.orcpt() != null ? " ORCPT=" + t.orcpt() : "");
            Reply r = command("RCPT TO:<" + recipients.get(i) + ">" + rcptParams);
            out.add(r);
            if (r.positive()) accepted.add(i);
        }
        if (accepted.isEmpty()) {
            command("RSET");
            return out;
        }
        Reply data = command("DATA");
        if (data.code() != 354) {
            for (int i : accepted) out.set(i, data);
            return out;
        }
        writeStuffed(message);
        Reply end = read();
        for (int i : accepted) out.set(i, end);
        return out;
    }

    /** The message with dot-stuffing (RFC 5321 §4.5.2), ending in CRLF "." CRLF. */
    private void writeStuffed(InputStream message) throws IOException {
        byte[] buf = new byte[16 * 1024];
        boolean lineStart = true;
        int last = '\n';
        for (int n; (n = message.read(buf)) > 0; ) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (lineStart && buf[i] == '.') {
                    out.write(buf, from, i - from);
                    out.write('.');
                    from = i;
                }
                lineStart = buf[i] == '\n';
            }
            out.write(buf, from, n - from);
            last = buf[n - 1];
        }
        if (last != '\n') out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    @Override
    public void close() {
        try {
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
