package org.postiljon.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #8's "a 100,000-message folder opens instantly": the requests the webmail makes, over
 * JMAP on HTTP, against a big INBOX (loaded by {@code SearchBench --load yes}). Each is timed
 * warm (twice untimed first) and reported as p50/p90/max:
 * <ul>
 * <li>open the folder: Email/query (newest first, 50, with total) + Email/get of the list properties;</li>
 * <li>a page in the middle (position 50,000), the same request;</li>
 * <li>sorted by subject, first page;</li>
 * <li>search: has:attachment, and a full-text query in the folder, first page;</li>
 * <li>open a message: Email/get with body values and the sanitised HTML;</li>
 * <li>since issue #22: the list with Thread/get (conversation sizes), one row per message and one per
 * conversation (collapseThreads, first page and deep), and opening a conversation.</li>
 * </ul>
 * WebmailBench --port 8080 --user user1@bench.test [--password bench-password] [--reps 20]
 */
public final class WebmailBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USING = "\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\",\"urn:postiljon:params:jmap:webmail\"]";
    private static final String LIST = "[\"id\",\"threadId\",\"mailboxIds\",\"keywords\",\"from\",\"to\",\"subject\",\"receivedAt\",\"size\",\"hasAttachment\",\"preview\"]";

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String base = "http://127.0.0.1:" + a.number("port", 8080);
        String auth = "Basic " + Base64.getEncoder().encodeToString((a.get("user", "user1@bench.test") + ":"
                + a.get("password", "bench-password")).getBytes(StandardCharsets.UTF_8));
        int reps = a.number("reps", 20);
        String session = send(HttpRequest.newBuilder(URI.create(base + "/jmap/session")).header("Authorization", auth).GET().build());
        String account = find(session, "\"urn:ietf:params:jmap:mail\":\"([^\"]+)\"");
        String boxes = api(base, auth, "[[\"Mailbox/get\",{\"accountId\":\"" + account + "\",\"properties\":[\"role\",\"totalEmails\"]},\"m\"]]");
        String inbox = find(boxes, "\"role\":\"inbox\",\"totalEmails\":\\d+,\"id\":\"([^\"]+)\"");
        System.out.println("INBOX holds " + find(boxes, "\"role\":\"inbox\",\"totalEmails\":(\\d+)") + " messages");
        String page = "[[\"Email/query\",{\"accountId\":\"" + account + "\",\"filter\":{\"inMailbox\":\"" + inbox + "\"%s},\"sort\":[{\"property\":\"%s\",\"isAscending\":%s}],"
                + "\"position\":%d,\"limit\":50,\"calculateTotal\":true},\"q\"],[\"Email/get\",{\"accountId\":\"" + account
                + "\",\"#ids\":{\"resultOf\":\"q\",\"name\":\"Email/query\",\"path\":\"/ids\"},\"properties\":" + LIST + "},\"g\"]]";
        time("open the folder (newest 50 + list properties)", reps, () -> api(base, auth, String.format(page, "", "receivedAt", "false", 0)));
        // What the webmail sends since issue #22: the list plus Thread/get for each row's conversation size,
        // one row per message, and (the default) one row per conversation (collapseThreads).
        String withThreads = page.substring(0, page.length() - 1) + ",[\"Thread/get\",{\"accountId\":\"" + account
                + "\",\"#ids\":{\"resultOf\":\"g\",\"name\":\"Email/get\",\"path\":\"/list/*/threadId\"}},\"t\"]]";
        time("open the folder + Thread/get (one row per message)", reps, () -> api(base, auth, String.format(withThreads, "", "receivedAt", "false", 0)));
        // The webmail asks no total in conversation view (counting threads reads the whole folder); a client that asks pays that.
        String conversations = withThreads.replace("\"calculateTotal\":true", "\"calculateTotal\":false,\"collapseThreads\":true");
        time("open the folder in conversation view", reps, () -> api(base, auth, String.format(conversations, "", "receivedAt", "false", 0)));
        time("conversation view, page 2", reps, () -> api(base, auth, String.format(conversations, "", "receivedAt", "false", 50)));
        time("conversation view with a total (not the webmail's)", reps,
                () -> api(base, auth, String.format(conversations.replace("\"calculateTotal\":false", "\"calculateTotal\":true"), "", "receivedAt", "false", 0)));
        time("page at position 50,000", reps, () -> api(base, auth, String.format(page, "", "receivedAt", "false", 50_000)));
        time("sorted by subject, first page", reps, () -> api(base, auth, String.format(page, "", "subject", "true", 0)));
        time("has:attachment in the folder, first page", reps,
                () -> api(base, auth, String.format(page, ",\"hasAttachment\":true", "receivedAt", "false", 0)));
        time("full-text search in the folder, first page", reps, () -> api(base, auth, String.format(page, ",\"text\":\"" + SearchBench.word(3) + "\"", "receivedAt", "false", 0)));
        String first = find(api(base, auth, String.format(page, "", "receivedAt", "false", 0)), "\"ids\":\\[\"([^\"]+)\"");
        String firstThread = find(api(base, auth, String.format(page, "", "receivedAt", "false", 0)), "\"threadId\":\"([^\"]+)\"");
        time("open a conversation (Thread/get + bodies)", reps, () -> api(base, auth, "[[\"Thread/get\",{\"accountId\":\"" + account + "\",\"ids\":[\""
                + firstThread + "\"]},\"t\"],[\"Email/get\",{\"accountId\":\"" + account + "\",\"#ids\":{\"resultOf\":\"t\",\"name\":\"Thread/get\","
                + "\"path\":\"/list/*/emailIds\"},\"fetchTextBodyValues\":true,\"properties\":[\"subject\",\"from\",\"to\",\"textBody\",\"htmlBody\","
                + "\"attachments\",\"bodyValues\",\"sanitizedHtml\",\"preview\",\"keywords\"]},\"g\"]]"));
        time("open a message (bodies + sanitised HTML)", reps, () -> api(base, auth, "[[\"Email/get\",{\"accountId\":\"" + account + "\",\"ids\":[\""
                + first + "\"],\"fetchTextBodyValues\":true,\"properties\":[\"subject\",\"from\",\"to\",\"textBody\",\"htmlBody\",\"attachments\",\"bodyValues\",\"sanitizedHtml\"]},\"g\"]]"));
    }

    interface Call {
        String run() throws Exception;
    }

    private static void time(String what, int reps, Call call) throws Exception {
        String answer = null;
        for (int i = 0; i < 2; i++) answer = call.run();
        long[] ns = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            answer = call.run();
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        System.out.printf("%-48s p50 %8.1f ms  p90 %8.1f ms  max %8.1f ms  (%d reps, %d bytes)%n", what, ns[reps / 2] / 1e6,
                ns[(int) Math.min(reps - 1, Math.ceil(reps * 0.9) - 1)] / 1e6, ns[reps - 1] / 1e6, reps, answer.length());
    }

    private static String api(String base, String auth, String calls) throws Exception {
        String body = send(HttpRequest.newBuilder(URI.create(base + "/jmap/api")).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{" + USING + ",\"methodCalls\":" + calls + "}")).build());
        if (body.contains("\"error\"")) throw new IllegalStateException(body);
        return body;
    }

    private static String send(HttpRequest r) throws Exception {
        HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(res.statusCode() + " " + res.body());
        return res.body();
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("no " + regex + " in " + text.substring(0, Math.min(400, text.length())));
        return m.group(1);
    }
}
