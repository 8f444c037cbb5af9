package org.postiljon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.postiljon.mailbox.api.Scram;

/**
 * Opens N implicit-TLS IMAP connections, logs each in with SCRAM-SHA-256, selects INBOX and leaves
 * it in IDLE, then holds them all open for a while. For measuring what idle clients cost the server.
 *
 * <pre>IdleConnections --port 1993 --connections 10000 --user u@x --password p --hold 60</pre>
 */
public final class IdleConnections {

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String host = a.get("host", "127.0.0.1");
        int port = a.number("port", 993);
        int n = a.number("connections", 10000);
        String user = a.get("user", "user1@bench.test");
        String password = a.get("password", "bench-password");
        int hold = a.number("hold", 30);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String t) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String t) { } // a benchmark of our own server
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, new SecureRandom());
        Map<String, byte[]> saltedCache = new ConcurrentHashMap<>();
        List<SSLSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        Semaphore inFlight = new Semaphore(64);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        open.add(connect(tls, host, port, user, password, saltedCache));
                    } catch (IOException e) {
                        if (failed.incrementAndGet() <= 5) System.err.println("connection failed: " + e.getMessage());
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        System.out.printf("%d connections idling (%d failed) after %.1f s; holding %d s%n", open.size(), failed.get(),
                (System.nanoTime() - t0) / 1e9, hold);
        System.out.flush();
        Thread.sleep(hold * 1000L);
        for (SSLSocket s : open) s.close();
    }

    private static SSLSocket connect(SSLContext tls, String host, int port, String user, String password,
                                     Map<String, byte[]> saltedCache) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
        s.setSoTimeout(120_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        in.readLine();
        String clientFirstBare = "n=" + user + ",r=" + Long.toHexString(System.nanoTime());
        send(out, "a AUTHENTICATE SCRAM-SHA-256 " + b64("n,," + clientFirstBare));
        String serverFirst = unb64(in.readLine().substring(2));
        String[] p = serverFirst.split(",");
        byte[] salt = Base64.getDecoder().decode(p[1].substring(2));
        int iterations = Integer.parseInt(p[2].substring(2));
        byte[] salted = saltedCache.computeIfAbsent(p[1] + p[2], k -> Scram.saltedPassword(password.toCharArray(), salt, iterations));
        byte[] clientKey = Scram.hmac(salted, "Client Key");
        String withoutProof = "c=biws," + p[0];
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] sig = Scram.hmac(Scram.sha256(clientKey), authMessage.getBytes(StandardCharsets.UTF_8));
        byte[] proof = new byte[32];
        for (int i = 0; i < 32; i++) proof[i] = (byte) (clientKey[i] ^ sig[i]);
        send(out, b64(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)));
        in.readLine(); // server-final
        send(out, "");
        expect(in, "a OK");
        send(out, "b SELECT INBOX");
        expect(in, "b OK");
        send(out, "c IDLE");
        expect(in, "+");
        return s;
    }

    private static void expect(BufferedReader in, String prefix) throws IOException {
        String l;
        while ((l = in.readLine()) != null) {
            if (l.startsWith(prefix)) return;
            if (!l.startsWith("*")) throw new IOException("unexpected: " + l);
        }
        throw new IOException("closed");
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
