package org.postiljon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.postiljon.net.BearerTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens of the operator's OpenID provider, for OAUTHBEARER and XOAUTH2. Either signed JWTs
 * checked against the provider's keys ({@code oauth.jwks-url}, with jose4j: signature by an
 * asymmetric algorithm only, issuer, audience when set, expiry with 30 s of skew), or any token
 * asked about at the provider's introspection endpoint (RFC 7662, with the client's credentials).
 * The account is the token's {@code oauth.username-claim} (default email). A token found valid is
 * remembered (as its SHA-256) until it expires, at most 5 minutes, so a client that logs in often
 * does not ask the provider each time.
 */
final class OidcTokens implements BearerTokens {

    private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final int MAX_REMEMBERED = 10_000;

    private record Known(String subject, Instant until) { }

    private final JwtConsumer jwts;
    private final URI introspection;
    private final String clientId;
    private final String clientSecret;
    private final String claim;
    private final String failure;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private OidcTokens(JwtConsumer jwts, URI introspection, String clientId, String clientSecret, String claim, String failure, Clock clock) {
        this.jwts = jwts;
        this.introspection = introspection;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.claim = claim;
        this.failure = failure;
        this.clock = clock;
    }

    /** From oauth.*; null when neither oauth.jwks-url nor oauth.introspection-url is set. */
    static OidcTokens from(Settings settings) {
        String jwks = settings.get("oauth.jwks-url"), introspect = settings.get("oauth.introspection-url");
        if (jwks.isEmpty() && introspect.isEmpty()) return null;
        if (!jwks.isEmpty() && !introspect.isEmpty()) throw new Settings.ConfigError("oauth.jwks-url and oauth.introspection-url exclude each other");
        String issuer = settings.get("oauth.issuer"), audience = settings.get("oauth.audience");
        String config = settings.get("oauth.openid-configuration");
        if (config.isEmpty() && !issuer.isEmpty()) config = issuer.replaceAll("/$", "") + "/.well-known/openid-configuration";
        // RFC 7628 §3.2.2: what the client learns from a refusal.
        String failure = JSON.createObjectNode().put("status", "invalid_token").put("openid-configuration", config.isEmpty() ? null : config).toString();
        String claim = settings.get("oauth.username-claim");
        if (!jwks.isEmpty()) {
            if (issuer.isEmpty()) throw new Settings.ConfigError("oauth.jwks-url needs oauth.issuer: a token from any other issuer is refused");
            HttpsJwks keys = new HttpsJwks(url(jwks, "oauth.jwks-url").toString());
            JwtConsumerBuilder b = new JwtConsumerBuilder().setRequireExpirationTime().setAllowedClockSkewInSeconds(30).setExpectedIssuer(issuer)
                    .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(keys))
                    // Never "none" or a shared-secret HMAC: only the provider's private key makes a token.
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                            "ES256", "ES384", "ES512", "EdDSA");
            if (audience.isEmpty()) b.setSkipDefaultAudienceValidation(); else b.setExpectedAudience(audience);
            return new OidcTokens(b.build(), null, null, null, claim, failure, Clock.systemUTC());
        }
        return new OidcTokens(null, url(introspect, "oauth.introspection-url"), settings.get("oauth.client-id"), settings.get("oauth.client-secret"),
                claim, failure, Clock.systemUTC());
    }

    /** HTTPS, or HTTP to a loopback provider (a sidecar); tokens and client secrets never travel in the clear elsewhere. */
    private static URI url(String text, String key) {
        try {
            URI u = URI.create(text);
            boolean loopback = "http".equals(u.getScheme()) && (u.getHost().equals("127.0.0.1") || u.getHost().equals("localhost") || u.getHost().equals("[::1]"));
            if (u.getHost() == null || !("https".equals(u.getScheme()) || loopback)) throw new IllegalArgumentException();
            return u;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Settings.ConfigError(key + ": expected an https:// URL (http:// only to loopback), not " + text);
        }
    }

    @Override
    public String failureJson() {
        return failure;
    }

    @Override
    public Optional<String> subject(String token) {
        String key = sha256(token);
        Instant now = clock.instant();
        Known k = known.get(key);
        if (k != null && k.until().isAfter(now)) return Optional.of(k.subject());
        Optional<Known> fresh = jwts != null ? fromJwt(token, now) : introspect(token, now);
        fresh.ifPresent(f -> {
            if (known.size() >= MAX_REMEMBERED) known.entrySet().removeIf(e -> !e.getValue().until().isAfter(now));
            if (known.size() < MAX_REMEMBERED) known.put(key, f);
        });
        return fresh.map(Known::subject);
    }

    private Optional<Known> fromJwt(String token, Instant now) {
        try {
            JwtClaims claims = jwts.processToClaims(token);
            String subject = claims.getClaimValueAsString(claim);
            if (subject == null) return Optional.empty();
            Instant exp = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
            return Optional.of(new Known(subject, min(exp, now.plus(REMEMBER))));
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
            log.debug("access token refused: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** RFC 7662 §2: POST token=...; the client authenticates with HTTP Basic; {"active": true, ...}. */
    private Optional<Known> introspect(String token, Instant now) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(introspection).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token"));
            if (!clientId.isEmpty()) {
                req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                log.warn("token introspection at {} answered {}", introspection, r.statusCode());
                return Optional.empty();
            }
            JsonNode n = JSON.readTree(r.body());
            if (!n.path("active").asBoolean(false) || !n.path(claim).isTextual()) return Optional.empty();
            Instant until = now.plus(REMEMBER);
            if (n.path("exp").isNumber()) {
                Instant exp = Instant.ofEpochSecond(n.get("exp").asLong());
                if (!exp.isAfter(now)) return Optional.empty();
                until = min(exp, until);
            }
            return Optional.of(new Known(n.get(claim).asText(), until));
        } catch (IOException e) {
            log.warn("token introspection at {} failed: {}", introspection, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
