package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;

/**
 * JMAP for Sieve Scripts (RFC 9661) over HTTP: the capability, scripts uploaded as blobs,
 * validated, created and activated in one /set, renamed and replaced with their id kept, queried,
 * refused (invalid, not UTF-8, a name taken, the active one destroyed), and the active script
 * deciding where mail delivered over SMTP goes; ManageSieve's store is the same.
 */
class JmapSieveTest {

    static final String FILTER = "require [\"fileinto\", \"mailbox\"];\nif header :contains \"subject\" \"[news]\" { fileinto :create \"News\"; }\n";

    @Test
    void scriptsAreManagedOverJmapAndDecideDelivery(@TempDir Path dir) throws Exception {
        try (WebNode web = new WebNode(dir)) {
            String user = WebNode.ALICE;
            Account alice = web.node.model().directory().find(EmailAddress.parse(user)).orElseThrow();
            String acc = "A" + Long.toHexString(alice.id());
            JsonNode session = WebNode.JSON.readTree(web.get("/jmap/session", user).body());
            JsonNode cap = session.get("accounts").get(acc).get("accountCapabilities").get("urn:ietf:params:jmap:sieve");
            assertEquals(4, cap.get("maxNumberRedirects").asInt(), cap.toString());
            assertEquals(20, cap.get("maxNumberScripts").asInt());
            assertTrue(cap.get("sieveExtensions").toString().contains("\"editheader\""), cap.toString());
            assertTrue(session.get("capabilities").has("urn:ietf:params:jmap:sieve"));

            String good = upload(web, acc, user, FILTER.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String bad = upload(web, acc, user, "require \"fileinto\";\nfileinto \"x\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String latin1 = upload(web, acc, user, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
            assertTrue(call(web, user, acc, "SieveScript/validate", "\"blobId\":\"" + good + "\"").get("error").isNull());
            JsonNode invalid = call(web, user, acc, "SieveScript/validate", "\"blobId\":\"" + bad + "\"").get("error");
            assertEquals("invalidSieve", invalid.get("type").asText());
            assertTrue(invalid.get("description").asText().contains("line 3"), invalid.toString());
            assertEquals("blobNotFound", call(web, user, acc, "SieveScript/validate", "\"blobId\":\"B" + "0".repeat(64) + "\"").get("error").get("type").asText());

            // Create and activate in one call (RFC 9661 §2.2 onSuccessActivateScript with a creation id).
            JsonNode made = call(web, user, acc, "SieveScript/set", "\"create\":{\"f\":{\"name\":\"filters\",\"blobId\":\"" + good + "\"},"
                    + "\"bad\":{\"name\":\"broken\",\"blobId\":\"" + bad + "\"},\"l1\":{\"blobId\":\"" + latin1 + "\"}},\"onSuccessActivateScript\":\"#f\"");
            assertEquals("invalidSieve", made.get("notCreated").get("bad").get("type").asText(), made.toString());
            assertEquals("invalidSieve", made.get("notCreated").path("l1").path("type").asText(), "not UTF-8: " + made);
            String id = made.get("created").get("f").get("id").asText();
            assertEquals(good, made.get("created").get("f").get("blobId").asText(), "the blobId uploaded is the one kept");
            assertTrue(made.path("updated").isNull(), "a create failed: nothing is activated");
            assertTrue(web.node.model().sieveScripts().active(alice).isEmpty());
            made = call(web, user, acc, "SieveScript/set", "\"onSuccessActivateScript\":\"" + id + "\"");
            assertTrue(made.get("updated").get(id).get("isActive").asBoolean(), made.toString());
            assertNotEquals(made.get("oldState").asText(), made.get("newState").asText());
            JsonNode got = call(web, user, acc, "SieveScript/get", "\"ids\":null").get("list");
            assertEquals(1, got.size());
            assertEquals("filters", got.get(0).get("name").asText());
            assertTrue(got.get(0).get("isActive").asBoolean());
            assertEquals(FILTER, web.node.model().sieveScripts().active(alice).orElseThrow(), "the script ManageSieve and delivery read");

            web.deliver(user, "From: list@example.net\r\nTo: alice@example.test\r\nSubject: [news] today\r\nMessage-ID: <n1@example.net>\r\n\r\nx\r\n");
            assertEquals(1, web.node.model().messages().list(alice, MailboxName.of("News"), UidSet.ALL).size(), "filed by the script made over JMAP");

            // Rename and replace: the id stays; the active mark too.
            String other = upload(web, acc, user, "require \"fileinto\";\nfileinto \"Sorted\";\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JsonNode renamed = call(web, user, acc, "SieveScript/set", "\"update\":{\"" + id + "\":{\"name\":\"main\",\"blobId\":\"" + other + "\"}}");
            assertTrue(renamed.get("updated").has(id), renamed.toString());
            JsonNode now = call(web, user, acc, "SieveScript/get", "\"ids\":[\"" + id + "\",\"Snope\"]");
            assertEquals("main", now.get("list").get(0).get("name").asText());
            assertEquals(other, now.get("list").get(0).get("blobId").asText());
            assertTrue(now.get("list").get(0).get("isActive").asBoolean());
            assertEquals("Snope", now.get("notFound").get(0).asText());

            // The content is downloadable as the blob, also after the upload itself has expired.
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(p -> p.getFileName().toString().equals(other.substring(1))).toList()) Files.delete(p);
            }
            HttpResponse<String> download = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/download/" + acc + "/" + other + "/main.sieve"))
                    .header("Authorization", WebNode.basic(user)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, download.statusCode());
            assertEquals("require \"fileinto\";\nfileinto \"Sorted\";\n", download.body());

            // Refusals, each with its RFC 9661 type.
            JsonNode second = call(web, user, acc, "SieveScript/set", "\"create\":{\"d\":{\"name\":\"main\",\"blobId\":\"" + good + "\"},"
                    + "\"n\":{\"name\":null,\"blobId\":\"" + good + "\"},\"x\":{\"name\":\"x\",\"blobId\":\"" + good + "\",\"isActive\":true}},\"destroy\":[\"" + id + "\"]");
            assertEquals("alreadyExists", second.get("notCreated").get("d").get("type").asText(), second.toString());
            assertEquals("invalidProperties", second.get("notCreated").get("x").get("type").asText());
            assertEquals("sieveIsActive", second.get("notDestroyed").get(id).get("type").asText());
            String unnamed = second.get("created").get("n").get("id").asText();
            assertEquals("script-1", call(web, user, acc, "SieveScript/get", "\"ids\":[\"" + unnamed + "\"]").get("list").get(0).get("name").asText());

            JsonNode active = call(web, user, acc, "SieveScript/query", "\"filter\":{\"isActive\":true}");
            assertEquals(List.of(id), ids(active));
            JsonNode byName = call(web, user, acc, "SieveScript/query", "\"sort\":[{\"property\":\"name\",\"isAscending\":false}]");
            assertEquals(List.of(unnamed, id), ids(byName), "script-1 after main, descending");
            assertEquals("unsupportedFilter", call(web, user, acc, "SieveScript/query", "\"filter\":{\"colour\":\"red\"}").get("type").asText());

            // Deactivate, then the former active one may go.
            JsonNode off = call(web, user, acc, "SieveScript/set", "\"onSuccessDeactivateScript\":true");
            assertTrue(!off.get("updated").get(id).get("isActive").asBoolean(), off.toString());
            assertTrue(web.node.model().sieveScripts().active(alice).isEmpty());
            JsonNode gone = call(web, user, acc, "SieveScript/set", "\"destroy\":[\"" + id + "\",\"" + unnamed + "\"]");
            assertEquals(2, gone.get("destroyed").size(), gone.toString());
            assertEquals("invalidArguments", call(web, user, acc, "SieveScript/set", "\"onSuccessActivateScript\":\"" + id + "\",\"onSuccessDeactivateScript\":true")
                    .get("type").asText());
            // Create and activate in one call, naming the new script by its creation id.
            JsonNode both = call(web, user, acc, "SieveScript/set", "\"create\":{\"l\":{\"name\":\"last\",\"blobId\":\"" + good + "\"}},"
                    + "\"onSuccessActivateScript\":\"#l\"");
            String last = both.get("created").get("l").get("id").asText();
            assertTrue(both.get("updated").get(last).get("isActive").asBoolean(), both.toString());
            assertEquals(FILTER, web.node.model().sieveScripts().active(alice).orElseThrow());
            JsonNode changes = call(web, user, acc, "SieveScript/changes", "\"sinceState\":\"sdead\"");
            assertEquals("cannotCalculateChanges", changes.path("type").asText(), changes.toString());
        }
    }

    static List<String> ids(JsonNode query) {
        return java.util.stream.StreamSupport.stream(query.get("ids").spliterator(), false).map(JsonNode::asText).toList();
    }

    static String upload(WebNode web, String acc, String user, byte[] script) throws Exception {
        HttpResponse<String> up = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/upload/" + acc + "/"))
                .header("Authorization", WebNode.basic(user)).header("Content-Type", "application/sieve")
                .POST(HttpRequest.BodyPublishers.ofByteArray(script)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        return WebNode.JSON.readTree(up.body()).get("blobId").asText();
    }

    /** One method call's arguments in the response (or the error's). */
    static JsonNode call(WebNode web, String user, String acc, String method, String args) throws Exception {
        return web.api(user, "[[\"" + method + "\",{\"accountId\":\"" + acc + "\"," + args + "},\"c\"]]").get(0).get(1);
    }
}
