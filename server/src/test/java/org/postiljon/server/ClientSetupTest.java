package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A mail program sets itself up from an address alone: what autoconfig, autodiscover and the Apple
 * profile say is what works (a real IMAP and SMTP client logs in with exactly those values), only
 * for this server's domains, and hostile requests learn nothing.
 */
class ClientSetupTest {

    static WebNode node(Path dir) throws Exception {
        return new WebNode(dir, Map.of("listen.imaps", "127.0.0.1:0", "listen.submissions", "127.0.0.1:0", "listen.submission", "127.0.0.1:0"));
    }

    static HttpResponse<String> get(WebNode n, String path) throws Exception {
        return n.http.send(HttpRequest.newBuilder(URI.create(n.base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(WebNode n, String path, String body) throws Exception {
        return n.http.send(HttpRequest.newBuilder(URI.create(n.base() + path)).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Document xml(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String child(Element e, String name) {
        return e.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    @Test
    void thunderbirdsAutoconfigNamesServicesThatAcceptTheLogin(@TempDir Path dir) throws Exception {
        try (WebNode n = node(dir)) {
            HttpResponse<String> r = get(n, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=" + WebNode.ALICE);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
            Document d = xml(r.body());
            Element provider = (Element) d.getElementsByTagName("emailProvider").item(0);
            assertEquals("example.test", provider.getAttribute("id"));
            assertEquals("example.test", child(provider, "domain"));
            Element in = (Element) d.getElementsByTagName("incomingServer").item(0);
            assertEquals("imap", in.getAttribute("type"), "IMAP over TLS first");
            assertEquals("SSL", child(in, "socketType"));
            assertEquals("mail.example.test", child(in, "hostname"));
            assertEquals(n.port("imaps"), Integer.parseInt(child(in, "port")));
            Element out = (Element) d.getElementsByTagName("outgoingServer").item(0);
            assertEquals("SSL", child(out, "socketType"));
            assertEquals(n.port("submissions"), Integer.parseInt(child(out, "port")));
            assertEquals(2, d.getElementsByTagName("outgoingServer").getLength(), "submission with STARTTLS too");
            assertEquals(0, d.getElementsByTagName("incomingServer").getLength() - 2, "IMAP twice (TLS, STARTTLS); POP3 is off here");

            // What a program does with it: %EMAILADDRESS% as the user, the port and TLS as said (the name resolves to us).
            Properties p = new Properties();
            p.put("mail.imaps.ssl.trust", "*");
            p.put("mail.smtps.ssl.trust", "*");
            p.put("mail.smtps.auth", "true");
            Session session = Session.getInstance(p);
            String user = child(in, "username").replace("%EMAILADDRESS%", WebNode.ALICE);
            try (Store store = session.getStore("imaps")) {
                store.connect("127.0.0.1", Integer.parseInt(child(in, "port")), user, WebNode.PASSWORD);
                assertTrue(store.getFolder("INBOX").exists());
                assertEquals(Folder.HOLDS_MESSAGES, store.getFolder("INBOX").getType() & Folder.HOLDS_MESSAGES);
            }
            try (Transport t = session.getTransport("smtps")) {
                t.connect("127.0.0.1", Integer.parseInt(child(out, "port")), user, WebNode.PASSWORD);
                assertTrue(t.isConnected());
            }
        }
    }

    @Test
    void theAutoconfigHostAnswersForItsDomainOnlyThisServersDomains(@TempDir Path dir) throws Exception {
        try (WebNode n = node(dir)) {
            // Thunderbird's second try: http://autoconfig.DOMAIN/mail/config-v1.1.xml, the domain only in the Host header.
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(n.base().substring(n.base().lastIndexOf(':') + 1)))) {
                s.setSoTimeout(10_000);
                OutputStream o = s.getOutputStream();
                o.write("GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
                assertTrue(reply.contains("<domain>example.test</domain>"), reply);
            }
            assertEquals(404, get(n, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=someone@elsewhere.test").statusCode());
            assertEquals(404, get(n, "/apple/mail.mobileconfig?emailaddress=someone@elsewhere.test").statusCode());
            assertEquals(400, get(n, "/apple/mail.mobileconfig?emailaddress=%3Cscript%3E").statusCode());
        }
    }

    @Test
    void theMtaStsPolicyIsServedOverHttpsAtTheMtaStsHostOfEachLocalDomain(@TempDir Path dir) throws Exception {
        // A certificate for the policy host too, as an operator gets one (acme.domains); curl checks it against this CA file.
        org.postiljon.net.Tls.generateSelfSigned(dir.resolve("cert"), "mail.example.test", java.util.List.of("mta-sts.example.test"));
        try (WebNode n = new WebNode(dir.resolve("node"), Map.of("tls.certificate", dir.resolve("cert/cert.pem").toString(),
                "tls.key", dir.resolve("cert/key.pem").toString(), "mta-sts.mode", "enforce", "mta-sts.mx", "mail.example.test, *.mx.example.test",
                "mta-sts.max-age-days", "14"))) {
            int port = n.node.webPorts().get(1);
            java.util.function.Function<String, String[]> curl = host -> new String[] {"curl", "-sS", "--max-time", "10", "--cacert",
                    dir.resolve("cert/cert.pem").toString(), "--resolve", host + ":" + port + ":127.0.0.1", "-w", "\n%{http_code} %{content_type}",
                    "https://" + host + ":" + port + "/.well-known/mta-sts.txt"};
            String served = run(curl.apply("mta-sts.example.test"));
            assertTrue(served.endsWith("\n200 text/plain;charset=utf-8") || served.endsWith("\n200 text/plain; charset=utf-8"), served);
            org.postiljon.mailauth.MtaSts.Policy p = org.postiljon.mailauth.MtaSts.parse(served.substring(0, served.lastIndexOf('\n')));
            assertEquals(org.postiljon.mailauth.MtaSts.Mode.ENFORCE, p.mode());
            assertEquals(java.util.List.of("mail.example.test", "*.mx.example.test"), p.mx());
            assertEquals(java.time.Duration.ofDays(14), p.maxAge());
            assertTrue(p.allows("mail.example.test") && p.allows("a.mx.example.test"));
            // Another domain's policy host, or the policy on the plain host name: none here.
            assertTrue(run(new String[] {"curl", "-sS", "-k", "--max-time", "10", "-H", "Host: mta-sts.elsewhere.test", "-o", "/dev/null", "-w", "%{http_code}",
                    n.secureBase() + "/.well-known/mta-sts.txt"}).equals("404"));
            assertEquals(404, get(n, "/.well-known/mta-sts.txt").statusCode());
            String[] post = curl.apply("mta-sts.example.test");
            String[] withPost = java.util.stream.Stream.concat(java.util.Arrays.stream(post, 0, 2), java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("-X", "POST"), java.util.Arrays.stream(post, 2, post.length))).toArray(String[]::new);
            String refused = run(withPost);
            assertTrue(refused.contains("\n405 "), "GET only: " + refused);
        }
    }

    private static String run(String[] command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out;
    }

    static final String OUTLOOK_REQUEST = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request>
                <EMailAddress>%s</EMailAddress>
                <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """;

    @Test
    void outlooksAutodiscoverAnswersItsRequestAndNeverExpandsEntities(@TempDir Path dir) throws Exception {
        try (WebNode n = node(dir)) {
            HttpResponse<String> r = post(n, "/Autodiscover/Autodiscover.xml", OUTLOOK_REQUEST.formatted(WebNode.ALICE));
            assertEquals(200, r.statusCode(), r.body());
            Document d = xml(r.body());
            var protocols = d.getElementsByTagNameNS("*", "Protocol");
            assertEquals(2, protocols.getLength());
            Element imap = (Element) protocols.item(0);
            assertEquals("IMAP", child(imap, "Type"));
            assertEquals(n.port("imaps"), Integer.parseInt(child(imap, "Port")));
            assertEquals("on", child(imap, "SSL"));
            assertEquals(WebNode.ALICE, child(imap, "LoginName"));
            Element smtp = (Element) protocols.item(1);
            assertEquals("SMTP", child(smtp, "Type"));
            assertEquals(n.port("submissions"), Integer.parseInt(child(smtp, "Port")));

            Path secret = Files.writeString(dir.resolve("secret.txt"), "alice@example.test");
            String xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file://" + secret + "\">]>"
                    + "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>";
            assertEquals(400, post(n, "/autodiscover/autodiscover.xml", xxe).statusCode(), "an external entity is never read");
            StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY l0 \"lol\">");
            for (int i = 1; i < 10; i++) laughs.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
            laughs.append("]><Autodiscover><Request><EMailAddress>&l9;</EMailAddress></Request></Autodiscover>");
            long t0 = System.nanoTime();
            assertEquals(400, post(n, "/autodiscover/autodiscover.xml", laughs.toString()).statusCode());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "a billion laughs is refused, not expanded");
            assertEquals(400, post(n, "/autodiscover/autodiscover.xml", "<Autodiscover>" + "<a>".repeat(100_000)).statusCode());
            assertEquals(404, post(n, "/autodiscover/autodiscover.xml", OUTLOOK_REQUEST.formatted("bob@elsewhere.test")).statusCode());
        }
    }

    @Test
    void theAppleProfileIsAPropertyListThatPythonReadsWithTheRightServers(@TempDir Path dir) throws Exception {
        try (WebNode n = node(dir)) {
            // An address whose local part has characters XML must escape.
            String address = "o'neil&co@example.test";
            HttpResponse<byte[]> r = n.http.send(HttpRequest.newBuilder(URI.create(n.base() + "/apple/mail.mobileconfig?emailaddress="
                    + java.net.URLEncoder.encode(address, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("application/x-apple-aspen-config", r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("mail.mobileconfig"));
            Path profile = Files.write(dir.resolve("mail.mobileconfig"), r.body());
            // Python's plistlib reads property lists as Apple defines them.
            Process p = new ProcessBuilder("python3", "-c", """
                    import plistlib, sys
                    d = plistlib.load(open(sys.argv[1], 'rb'))
                    a = d['PayloadContent'][0]
                    print(d['PayloadType'], a['PayloadType'], a['EmailAddress'], a['IncomingMailServerHostName'],
                          a['IncomingMailServerPortNumber'], a['IncomingMailServerUseSSL'], a['OutgoingMailServerPortNumber'],
                          a['OutgoingMailServerUseSSL'], a['IncomingMailServerUsername'], sep='|')
                    """, profile.toString()).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals(String.join("|", "Configuration", "com.apple.mail.managed", address, "mail.example.test",
                    String.valueOf(n.port("imaps")), "True", String.valueOf(n.port("submissions")), "True", address), out);
            byte[] again = n.http.send(HttpRequest.newBuilder(URI.create(n.base() + "/apple/mail.mobileconfig?emailaddress="
                    + java.net.URLEncoder.encode(address, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            assertEquals(new String(r.body(), StandardCharsets.UTF_8), new String(again, StandardCharsets.UTF_8),
                    "the same profile each time: installing it again replaces the account instead of adding one");
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("o'neil&co"), "escaped in the XML");
        }
    }
}
