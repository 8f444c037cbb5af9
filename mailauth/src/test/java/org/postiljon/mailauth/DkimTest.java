package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM against an independent implementation (Debian's python3-dkim, "dkimpy"): what we sign it
 * verifies, what it signs we verify, for RSA and Ed25519, over the shared corpus and messages
 * shaped to catch canonicalization mistakes. Hostile signatures and keys give results, never errors.
 */
class DkimTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    /** Debian's Python, where python3-dkim lives (a python3 earlier on PATH may be another). */
    static final String PYTHON = "/usr/bin/python3";

    static Supplier<InputStream> bytes(byte[] b) {
        return () -> new ByteArrayInputStream(b);
    }

    static byte[] signed(byte[] message, DkimKey key) throws IOException {
        byte[] field = Dkim.sign(bytes(message), key, NOW).getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[field.length + message.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(message, 0, out, field.length, message.length);
        return out;
    }

    static KeyLookup dns(Map<String, String> records) {
        return name -> records.containsKey(name) ? List.of(records.get(name)) : List.of();
    }

    /** Messages that stress canonicalization: white space, folding, empty and unterminated bodies, 8-bit octets, repeated fields. */
    static List<byte[]> tricky() {
        List<String> texts = List.of(
                "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject:   spaced    out   \r\nDate: Fri, 4 Dec 2026 10:00:00 +0100\r\n"
                        + "Message-ID: <1@example.org>\r\n\r\nline with trailing space   \r\n\ttabbed\t\tline\r\n\r\n\r\n",
                "From: alice@example.org\r\nSubject: folded\r\n  over\r\n\tthree lines\r\nTo: a@x.test,\r\n b@x.test\r\n\r\n",
                "From: alice@example.org\r\nSubject: no final newline\r\n\r\nlast line",
                "From: alice@example.org\r\nSubject: two To\r\nTo: one@x.test\r\nTo: two@x.test\r\nReceived: by relay\r\n\r\nbody\r\n",
                "FROM: alice@example.org\r\nsubject: lower-case names\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGr\u00fc\u00dfe\r\n");
        List<byte[]> out = new ArrayList<>();
        for (String t : texts) out.add(t.getBytes(StandardCharsets.ISO_8859_1));
        return out;
    }

    /** Runs a Python program over the files; its stdout, stripped. */
    static String python(Path dir, String program, String... args) throws Exception {
        Path script = Files.writeString(dir.resolve("p" + System.nanoTime() + ".py"), program);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python ended");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static final String PY_VERIFY = """
            import dkim, sys
            record = open(sys.argv[1], 'rb').read()
            def dns(name, timeout=5):
                return record
            for path in sys.argv[2:]:
                print(dkim.verify(open(path, 'rb').read(), dnsfunc=dns))
            """;

    @Test
    void whatWeSignDkimpyVerifies(@TempDir Path dir) throws Exception {
        for (DkimKey.Algorithm alg : DkimKey.Algorithm.values()) {
            DkimKey key = DkimKey.generate("example.org", "s2026", alg);
            Path record = Files.writeString(dir.resolve("record-" + alg), key.dnsText());
            List<byte[]> messages = new ArrayList<>(tricky());
            messages.addAll(org.postiljon.testkit.Corpus.messages(dir, 40, 11));
            List<String> args = new ArrayList<>(List.of(record.toString()));
            for (int i = 0; i < messages.size(); i++) {
                byte[] m = signed(messages.get(i), key);
                args.add(Files.write(dir.resolve(alg + "-" + i + ".eml"), m).toString());
                assertEquals(DkimResult.Status.PASS, Dkim.verify(bytes(m), dns(Map.of(key.dnsName(), key.dnsText())), NOW).getFirst().status(),
                        "we verify our own: " + alg + " #" + i);
            }
            String out = python(dir, PY_VERIFY, args.toArray(String[]::new));
            assertEquals(String.join("\n", java.util.Collections.nCopies(messages.size(), "True")), out, alg + ": dkimpy's verdicts");
        }
    }

    static final String PY_SIGN = """
            import dkim, sys
            key, selector, domain, alg, canon = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            privkey = open(key, 'rb').read()
            c = tuple(x.encode() for x in canon.split('/'))
            for path in sys.argv[6:]:
                m = open(path, 'rb').read()
                sig = dkim.sign(m, selector.encode(), domain.encode(), privkey, canonicalize=c, signature_algorithm=alg.encode(),
                                include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
                open(path + '.signed', 'wb').write(sig + m)
            """;

    @Test
    void whatDkimpySignsWeVerify(@TempDir Path dir) throws Exception {
        // RSA: a key made by OpenSSL (PKCS#1, as dkimpy reads it); Ed25519: a seed (dkimpy's form, RFC 8463 §4.2).
        Path rsaKey = dir.resolve("rsa.pem");
        run("openssl", "genrsa", "-traditional", "-out", rsaKey.toString(), "2048");
        String spki = run("openssl", "rsa", "-in", rsaKey.toString(), "-pubout", "-outform", "DER", "-out", dir.resolve("rsa.pub").toString());
        assertEquals("", spki.replaceAll("writing RSA key", "").strip());
        String rsaRecord = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("rsa.pub")));
        String edOut = python(dir, """
                import nacl.signing, base64, sys
                k = nacl.signing.SigningKey.generate()
                open(sys.argv[1], 'wb').write(base64.b64encode(bytes(k)))
                print(base64.b64encode(bytes(k.verify_key)).decode())
                """, dir.resolve("ed.key").toString());
        String edRecord = "v=DKIM1; k=ed25519; p=" + edOut;

        List<byte[]> messages = tricky();
        for (String[] c : new String[][] {{"rsa-sha256", rsaKey.toString(), rsaRecord}, {"ed25519-sha256", dir.resolve("ed.key").toString(), edRecord}}) {
            for (String canon : List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed")) {
                List<String> args = new ArrayList<>(List.of(c[1], "sel", "example.org", c[0], canon));
                for (int i = 0; i < messages.size(); i++) args.add(Files.write(dir.resolve(c[0] + canon.replace('/', '-') + i + ".eml"), messages.get(i)).toString());
                python(dir, PY_SIGN, args.toArray(String[]::new));
                KeyLookup dns = dns(Map.of("sel._domainkey.example.org", c[2]));
                for (int i = 0; i < messages.size(); i++) {
                    byte[] m = Files.readAllBytes(Path.of(args.get(5 + i) + ".signed"));
                    DkimResult r = Dkim.verify(bytes(m), dns, NOW).getFirst();
                    assertEquals(DkimResult.Status.PASS, r.status(), c[0] + " " + canon + " #" + i + ": " + r.reason());
                    assertEquals("example.org", r.domain());
                    // A changed body and a changed subject fail.
                    String text = new String(m, StandardCharsets.ISO_8859_1);
                    byte[] body = (text + "appended\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    assertEquals(DkimResult.Status.FAIL, Dkim.verify(bytes(body), dns, NOW).getFirst().status(), "body changed");
                    byte[] subject = text.replaceFirst("(?i)Subject:", "Subject: [ext]").getBytes(StandardCharsets.ISO_8859_1);
                    assertEquals(DkimResult.Status.FAIL, Dkim.verify(bytes(subject), dns, NOW).getFirst().status(), "subject changed");
                }
            }
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void hostileSignaturesAndKeysGiveResultsNotErrors() throws IOException {
        DkimKey key = DkimKey.generate("example.org", "s", DkimKey.Algorithm.RSA_SHA256);
        byte[] good = signed(tricky().getFirst(), key);
        String g = new String(good, StandardCharsets.ISO_8859_1);
        Map<String, String> records = Map.of(key.dnsName(), key.dnsText());

        assertEquals(DkimResult.Status.NONE, Dkim.verify(bytes(tricky().getFirst()), dns(records), NOW).getFirst().status());
        assertEquals(DkimResult.Status.PERMERROR, status("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; v=1\r\n" + g, records));
        assertEquals(DkimResult.Status.PERMERROR, status("DKIM-Signature: garbage\r\n" + g, records));
        assertEquals(DkimResult.Status.PERMERROR, status(g.replace("a=rsa-sha256", "a=rsa-sha1"), records), "RFC 8301: never sha1");
        assertEquals(DkimResult.Status.PERMERROR, status(g.replace("d=example.org", "d=example.org\u0000"), records));
        assertEquals(DkimResult.Status.PERMERROR, status(g, Map.of()), "no key published");
        assertEquals(DkimResult.Status.PERMERROR, status(g, Map.of(key.dnsName(), "v=DKIM1; k=rsa; p=")), "key revoked");
        assertEquals(DkimResult.Status.PERMERROR, status(g, Map.of(key.dnsName(), "v=DKIM1; k=rsa; p=!!!")), "unreadable key");
        assertEquals(DkimResult.Status.PERMERROR, status(g, Map.of(key.dnsName(), "v=DKIM1; k=ed25519; p=" + key.publicKeyTag())), "wrong key type");
        DkimKey weak = weakRsa();
        assertEquals(DkimResult.Status.PERMERROR, status(g, Map.of(key.dnsName(), "v=DKIM1; k=rsa; p=" + weak.publicKeyTag())), "512-bit key");
        assertEquals(DkimResult.Status.FAIL, status(g, Map.of(key.dnsName(), DkimKey.generate("example.org", "s", DkimKey.Algorithm.RSA_SHA256).dnsText())),
                "another key");
        KeyLookup down = name -> {
            throw new KeyLookup.TemporaryFailure("SERVFAIL");
        };
        assertEquals(DkimResult.Status.TEMPERROR, Dkim.verify(bytes(good), down, NOW).getFirst().status());

        // Ten signatures: five checked, the rest reported as not checked.
        String many = (Dkim.sign(bytes(good), key, NOW)).repeat(10) + g;
        List<DkimResult> results = Dkim.verify(bytes(many.getBytes(StandardCharsets.ISO_8859_1)), dns(records), NOW);
        assertEquals(Dkim.MAX_SIGNATURES + 1, results.size());
        assertEquals(DkimResult.Status.NEUTRAL, results.getLast().status());
    }

    static DkimResult.Status status(String message, Map<String, String> records) throws IOException {
        return Dkim.verify(bytes(message.getBytes(StandardCharsets.ISO_8859_1)), dns(records), NOW).getFirst().status();
    }

    static DkimKey weakRsa() {
        try {
            var g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(512);
            var p = g.generateKeyPair();
            return new DkimKey("example.org", "s", DkimKey.Algorithm.RSA_SHA256, p.getPrivate(), p.getPublic());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStoredKeyComesBackWithItsPublicHalf() throws Exception {
        for (DkimKey.Algorithm alg : DkimKey.Algorithm.values()) {
            DkimKey k = DkimKey.generate("Example.ORG", "s1", alg);
            DkimKey again = DkimKey.of("example.org", "s1", alg, k.privateKeyPkcs8());
            assertEquals(k.dnsText(), again.dnsText(), alg + ": the same record from the stored private key");
            assertEquals("s1._domainkey.example.org", again.dnsName());
        }
    }
}
