package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMAP's bounds and transport rules on a node with a small message limit and no plaintext
 * passwords even from loopback: every limit answers with the error RFC 8620 names, hostile
 * Email/set input is refused per object, and Basic works over HTTPS only.
 */
class JmapLimitsTest {

    @TempDir
    static Path dir;
    static WebNode web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebNode(dir, Map.of("limits.max-message-bytes", "20000", "auth.plaintext-on-loopback", "false", "jmap.max-response-mb", "1"));
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    /** The test's client trusts the node's self-signed certificate, as a user who accepted it would. */
    static HttpClient https() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    static HttpResponse<String> secure(String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.secureBase() + path)).header("Authorization", WebNode.basic(WebNode.ALICE));
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return https().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode api(String calls) throws Exception {
        HttpResponse<String> r = secure("/jmap/api", "{\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\"],\"methodCalls\":" + calls + "}");
        assertEquals(200, r.statusCode(), r.body());
        return WebNode.JSON.readTree(r.body()).get("methodResponses");
    }

    static String account() throws Exception {
        return WebNode.JSON.readTree(secure("/jmap/session", null).body()).get("primaryAccounts").get("urn:ietf:params:jmap:mail").asText();
    }

    @Test
    void passwordsOnlyOverTls() throws Exception {
        assertEquals(403, web.get("/jmap/session", WebNode.ALICE).statusCode(), "Basic over plain HTTP is refused when loopback is not trusted");
        assertEquals(403, web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice@example.test\",\"password\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> s = secure("/.well-known/jmap", null);
        assertEquals(200, s.statusCode());
        assertTrue(WebNode.JSON.readTree(s.body()).get("apiUrl").asText().startsWith("https://"));
        assertTrue(s.headers().firstValue("Strict-Transport-Security").isPresent(), s.headers().map().toString());
    }

    @Test
    void requestLimits() throws Exception {
        String a = account();
        StringBuilder calls = new StringBuilder("[");
        for (int i = 0; i < 33; i++) calls.append(i == 0 ? "" : ",").append("[\"Core/echo\",{},\"").append(i).append("\"]");
        HttpResponse<String> tooMany = secure("/jmap/api", "{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":" + calls + "]}");
        assertEquals(400, tooMany.statusCode());
        assertEquals("urn:ietf:params:jmap:error:limit", WebNode.JSON.readTree(tooMany.body()).get("type").asText());

        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 1001; i++) ids.append(i == 0 ? "\"" : ",\"").append("M").append("0".repeat(24)).append('"');
        StringBuilder destroys = new StringBuilder();
        for (int i = 0; i < 1001; i++) destroys.append(i == 0 ? "\"x" : ",\"x").append(i).append('"');
        JsonNode r = api("[[\"Email/get\",{\"accountId\":\"" + a + "\",\"ids\":[" + ids + "]},\"1\"],"
                + "[\"Email/set\",{\"accountId\":\"" + a + "\",\"destroy\":[" + destroys + "]},\"2\"],"
                + "[\"Mailbox/get\",{\"accountId\":\"" + a + "\",\"#ids\":{\"resultOf\":\"2\",\"name\":\"Email/set\",\"path\":\"/nothing/here\"}},\"3\"],"
                + "[\"Email/query\",{\"accountId\":\"" + a + "\",\"filter\":{\"text\":\"" + "x".repeat(1001) + "\"}},\"4\"],"
                + "[\"Email/query\",{\"accountId\":\"" + a + "\",\"limit\":-1},\"5\"]]");
        assertEquals("requestTooLarge", r.get(0).get(1).get("type").asText());
        assertEquals("requestTooLarge", r.get(1).get(1).get("type").asText());
        assertEquals("invalidResultReference", r.get(2).get(1).get("type").asText());
        assertEquals("invalidArguments", r.get(3).get(1).get("type").asText());
        assertEquals("invalidArguments", r.get(4).get(1).get("type").asText());

        HttpResponse<String> big = https().send(HttpRequest.newBuilder(URI.create(web.secureBase() + "/jmap/upload/" + a + "/"))
                .header("Authorization", WebNode.basic(WebNode.ALICE)).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[20001])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode(), big.body());
        // Jetty refuses encoded path separators as ambiguous before any handler runs.
        assertEquals(400, secure("/jmap/download/" + a + "/..%2F..%2Fetc%2Fpasswd/x", null).statusCode());
        assertEquals(404, secure("/jmap/download/" + a + "/B..passwd/x", null).statusCode());
        assertEquals(404, secure("/jmap/download/" + a + "/B" + "0".repeat(64) + "/x", null).statusCode());
        assertEquals(404, secure("/jmap/download/A999/B" + "0".repeat(64) + "/x", null).statusCode());
    }

    @Test
    void resultReferencesCannotMultiplyAResponse() throws Exception {
        // Each echo names the one before twice: the answer doubles per call, 100 KB * 2^31 without a bound.
        StringBuilder calls = new StringBuilder("[[\"Core/echo\",{\"a\":\"" + "x".repeat(100_000) + "\"},\"0\"]");
        for (int i = 1; i < 32; i++) {
            String ref = "{\"resultOf\":\"" + (i - 1) + "\",\"name\":\"Core/echo\",\"path\":\"\"}";
            calls.append(",[\"Core/echo\",{\"#a\":").append(ref).append(",\"#b\":").append(ref).append("},\"").append(i).append("\"]");
        }
        HttpResponse<String> r = secure("/jmap/api", "{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":" + calls + "]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().length() < 2 * 1024 * 1024, "the response stays within the 1 MiB bound (plus errors): " + r.body().length());
        JsonNode out = WebNode.JSON.readTree(r.body()).get("methodResponses");
        assertEquals(32, out.size());
        assertEquals("Core/echo", out.get(2).get(0).asText(), "400 KB: still within the bound");
        assertEquals("error", out.get(3).get(0).asText());
        assertEquals("requestTooLarge", out.get(3).get(1).get("type").asText());
        assertTrue(out.get(3).get(1).get("description").asText().contains("larger than 1048576 octets"));
        assertEquals("invalidResultReference", out.get(4).get(1).get("type").asText(), "what refers to a refused call fails");
    }

    @Test
    void hostileEmailsAreRefusedOneByOne() throws Exception {
        String a = account();
        JsonNode boxes = api("[[\"Mailbox/get\",{\"accountId\":\"" + a + "\"},\"m\"]]").get(0).get(1).get("list");
        String drafts = null;
        for (JsonNode m : boxes) if ("drafts".equals(m.path("role").asText())) drafts = m.get("id").asText();
        String box = "\"mailboxIds\":{\"" + drafts + "\":true}";
        String text = "\"bodyValues\":{\"t\":{\"value\":\"hi\"}},\"textBody\":[{\"partId\":\"t\",\"type\":\"text/plain\"}]";
        StringBuilder deep = new StringBuilder("{\"partId\":\"t\",\"type\":\"text/plain\"}");
        for (int i = 0; i < 20; i++) deep.insert(0, "{\"type\":\"multipart/mixed\",\"subParts\":[").append("]}");
        JsonNode r = api("[[\"Email/set\",{\"accountId\":\"" + a + "\",\"create\":{"
                + "\"injected\":{" + box + ",\"header:X-Note\":\"a\\r\\nBcc: victim@example.org\"," + text + "},"
                + "\"badAddress\":{" + box + ",\"to\":[{\"email\":\"a>b@example.org\"}]," + text + "},"
                + "\"nameBreak\":{" + box + ",\"from\":[{\"name\":\"x\\r\\nBcc: y@example.org\",\"email\":\"alice@example.test\"}]," + text + "},"
                + "\"deep\":{" + box + ",\"bodyValues\":{\"t\":{\"value\":\"hi\"}},\"bodyStructure\":" + deep + "},"
                + "\"badKeyword\":{" + box + ",\"keywords\":{\"bad keyword\":true}," + text + "},"
                + "\"noMailbox\":{" + text + "},"
                + "\"readOnly\":{" + box + ",\"id\":\"Mx\"," + text + "},"
                + "\"ok\":{" + box + ",\"subject\":\"fine\"," + text + "}}},\"s\"]]").get(0).get(1);
        for (String k : new String[] {"injected", "badAddress", "nameBreak", "deep", "badKeyword", "noMailbox", "readOnly"}) {
            assertEquals("invalidProperties", r.get("notCreated").get(k).get("type").asText(), k + ": " + r);
        }
        assertTrue(r.get("created").has("ok"), "the good one is made all the same: " + r);
        JsonNode bigOne = api("[[\"Email/set\",{\"accountId\":\"" + a + "\",\"create\":{\"big\":{" + box
                + ",\"bodyValues\":{\"t\":{\"value\":\"" + "y".repeat(30_000) + "\"}},\"textBody\":[{\"partId\":\"t\",\"type\":\"text/plain\"}]}}},\"s\"]]").get(0).get(1);
        assertEquals("tooLarge", bigOne.get("notCreated").get("big").get("type").asText(), bigOne.toString());
    }
}
