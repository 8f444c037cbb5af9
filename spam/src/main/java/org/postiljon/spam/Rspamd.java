package org.postiljon.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client of rspamd's normal worker (its HTTP protocol, {@code POST /checkv2}): the message with
 * what the SMTP session knows in request headers (IP, Helo, From, Rcpt), rspamd's score and action
 * back. rspamd's score replaces the built-in rules (it has its own SPF, DKIM, DMARC, DNSBL and many
 * more); the user's own classifier is added to it.
 */
public final class Rspamd {

    /** rspamd's answer. {@code action}: no action, greylist, add header, rewrite subject, soft reject, reject. */
    public record Result(double score, double requiredScore, String action, List<String> symbols) {
        /** As hits: rspamd's score, raised to {@link #REJECT_SCORE} when rspamd says reject. */
        public List<Verdict.Hit> hits() {
            double s = action.equals("reject") ? Math.max(score, REJECT_SCORE) : score;
            return List.of(new Verdict.Hit("RSPAMD", s, "rspamd: " + action + " (" + String.join(" ", symbols) + ")"));
        }
    }

    /** What a "reject" from rspamd scores here: above every default threshold. */
    public static final double REJECT_SCORE = 15.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI check;
    private final HttpClient http;
    private final Duration timeout;

    public Rspamd(URI base, Duration timeout) {
        this.check = base.resolve("/checkv2");
        this.timeout = timeout;
        // HTTP/1.1: rspamd does not take the h2c upgrade the JDK offers by default (it reads no body then).
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * Asks rspamd about one message.
     *
     * @throws IOException when rspamd cannot be reached or answers with an error (the caller falls back to the built-in rules)
     */
    public Result check(byte[] message, Map<String, String> session, List<String> recipients) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(check).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(message));
        session.forEach((k, v) -> {
            if (v != null && !v.isEmpty() && v.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) b.header(k, v);
        });
        for (String r : recipients) b.header("Rcpt", r);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 200) throw new IOException("rspamd answered " + r.statusCode() + ": " + r.body().lines().findFirst().orElse(""));
        JsonNode j = JSON.readTree(r.body());
        List<String> symbols = new ArrayList<>();
        for (Iterator<String> it = j.path("symbols").fieldNames(); it.hasNext(); ) symbols.add(it.next());
        symbols.sort(null);
        return new Result(j.path("score").asDouble(0), j.path("required_score").asDouble(0),
                j.path("action").asText("no action").toLowerCase(Locale.ROOT), symbols);
    }
}
