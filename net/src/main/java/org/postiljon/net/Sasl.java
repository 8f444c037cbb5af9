package org.postiljon.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Scram;
import org.postiljon.mailbox.api.ScramSecret;

/**
 * The SASL mechanisms every protocol offers: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login)
 * and SCRAM-SHA-256 (RFC 5802, RFC 7677), checked against the {@link Directory}; and, when an
 * OpenID provider is configured, OAUTHBEARER (RFC 7628) and XOAUTH2 with its access tokens.
 */
public final class Sasl {

    /** One exchange; {@code start} takes the initial response (null when the client sent none). */
    public interface Mechanism {
        SaslStep start(byte[] initialResponse);

        SaslStep next(byte[] response);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Directory directory;
    /** Key for fake SCRAM salts, so an unknown user looks like a known one. */
    private final byte[] decoyKey;
    /** The protocol whose app passwords PLAIN and LOGIN also take; null: the account's password only. */
    private final AppPasswords.Scope scope;
    /** Access tokens for OAUTHBEARER and XOAUTH2; null: those mechanisms are not offered. */
    private final BearerTokens tokens;

    public Sasl(Directory directory) {
        this(directory, null);
    }

    /** @param tokens the OpenID provider's access tokens, or null for none */
    public Sasl(Directory directory, BearerTokens tokens) {
        this(directory, new byte[32], null, tokens);
        RANDOM.nextBytes(decoyKey);
    }

    private Sasl(Directory directory, byte[] decoyKey, AppPasswords.Scope scope, BearerTokens tokens) {
        this.directory = directory;
        this.decoyKey = decoyKey;
        this.scope = scope;
        this.tokens = tokens;
    }

    /** Whether the mechanism sends a secret others could reuse (a password, a bearer token): only over TLS or from loopback. */
    public static boolean needsPrivacy(String mechanism) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN", "LOGIN", "OAUTHBEARER", "XOAUTH2" -> true;
            default -> false;
        };
    }

    /**
     * The same mechanisms for one protocol: PLAIN and LOGIN take the account's password or an app
     * password made for {@code scope} (SCRAM only the account's password: an app password has no
     * SCRAM secret).
     */
    public Sasl forScope(AppPasswords.Scope scope) {
        return new Sasl(directory, decoyKey, scope, tokens);
    }

    /** Mechanism names to advertise; PLAIN and LOGIN only where a password may travel. */
    public List<String> mechanisms(boolean plaintextAllowed) {
        if (!plaintextAllowed) return List.of("SCRAM-SHA-256");
        return tokens == null ? List.of("PLAIN", "LOGIN", "SCRAM-SHA-256") : List.of("PLAIN", "LOGIN", "SCRAM-SHA-256", "OAUTHBEARER", "XOAUTH2");
    }

    public Optional<Mechanism> mechanism(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> Optional.of(new Plain());
            case "LOGIN" -> Optional.of(new Login());
            case "SCRAM-SHA-256" -> Optional.of(new ScramSha256());
            case "OAUTHBEARER" -> tokens == null ? Optional.empty() : Optional.of(new Bearer(true));
            case "XOAUTH2" -> tokens == null ? Optional.empty() : Optional.of(new Bearer(false));
            default -> Optional.empty();
        };
    }

    /**
     * OAUTHBEARER (RFC 7628 §3.1): gs2-header, then %x01-separated key=value pairs with
     * {@code auth=Bearer TOKEN}; XOAUTH2 (Google's): {@code user=USER^Aauth=Bearer TOKEN^A^A}. A
     * refused token gets the error JSON as a challenge (§3.2.2), the client answers with one %x01
     * (XOAUTH2: nothing), and only then the exchange fails.
     */
    private final class Bearer implements Mechanism {
        private final boolean rfc7628;
        private String failedUser;
        private boolean failed;

        Bearer(boolean rfc7628) {
            this.rfc7628 = rfc7628;
        }

        @Override
        public SaslStep start(byte[] initial) {
            return initial == null || initial.length == 0 ? new SaslStep.Challenge(new byte[0]) : next(initial);
        }

        @Override
        public SaslStep next(byte[] response) {
            if (failed) return new SaslStep.Failure(failedUser, "invalid token"); // the client's dummy answer to the error challenge
            String msg = utf8(response);
            String user = null;
            if (rfc7628) {
                // gs2-header = gs2-cb-flag "," [ "a=" saslname ] ","; no channel binding.
                if (!msg.startsWith("n,") && !msg.startsWith("y,")) return new SaslStep.Failure(null, "malformed OAUTHBEARER message");
                int comma = msg.indexOf(',', 2);
                if (comma < 0) return new SaslStep.Failure(null, "malformed OAUTHBEARER message");
                String authzid = msg.substring(2, comma);
                if (authzid.startsWith("a=")) user = authzid.substring(2).replace("=2C", ",").replace("=3D", "=");
                else if (!authzid.isEmpty()) return new SaslStep.Failure(null, "malformed OAUTHBEARER message");
                msg = msg.substring(comma + 1);
            }
            String token = null;
            for (String kv : msg.split("\u0001")) {
                if (kv.startsWith("auth=")) {
                    String v = kv.substring(5);
                    if (v.regionMatches(true, 0, "Bearer ", 0, 7)) token = v.substring(7).strip();
                } else if (!rfc7628 && kv.startsWith("user=")) {
                    user = kv.substring(5);
                }
            }
            if (token == null || token.isEmpty() || token.length() > 16 * 1024) return new SaslStep.Failure(user, "malformed " + (rfc7628 ? "OAUTHBEARER" : "XOAUTH2") + " message");
            Optional<String> subject = tokens.subject(token);
            Optional<Account> account = Optional.empty();
            // The token names the account; a user the client names too must be the same one (no proxy authentication).
            if (subject.isPresent() && (user == null || user.isEmpty() || user.equalsIgnoreCase(subject.get()))) {
                try {
                    account = directory.find(EmailAddress.parse(subject.get()));
                } catch (RuntimeException e) {
                    account = Optional.empty();
                }
            }
            if (account.isPresent()) return new SaslStep.Success(account.get(), new byte[0]);
            failed = true;
            failedUser = user != null && !user.isEmpty() ? user : subject.orElse(null);
            return new SaslStep.Challenge(tokens.failureJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    private SaslStep check(String username, char[] password) {
        Optional<Account> a = scope == null ? directory.authenticate(username, password) : directory.authenticate(username, password, scope);
        java.util.Arrays.fill(password, '\0');
        return a.<SaslStep>map(acc -> new SaslStep.Success(acc, new byte[0]))
                .orElseGet(() -> new SaslStep.Failure(username, "invalid credentials"));
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** RFC 4616 §2: [authzid] NUL authcid NUL passwd. */
    private final class Plain implements Mechanism {
        @Override
        public SaslStep start(byte[] initial) {
            return initial == null ? new SaslStep.Challenge(new byte[0]) : next(initial);
        }

        @Override
        public SaslStep next(byte[] response) {
            String s = utf8(response);
            String[] p = s.split("\0", -1);
            if (p.length != 3 || p[1].isEmpty()) return new SaslStep.Failure(null, "malformed PLAIN message");
            // No proxy authentication: an authorization identity must name the same user.
            if (!p[0].isEmpty() && !p[0].equalsIgnoreCase(p[1])) return new SaslStep.Failure(p[1], "authorization identity not allowed");
            return check(p[1], p[2].toCharArray());
        }
    }

    /** The obsolete but widespread LOGIN: username and password, each on request. */
    private final class Login implements Mechanism {
        private String username;

        @Override
        public SaslStep start(byte[] initial) {
            if (initial != null && initial.length > 0) return next(initial);
            return new SaslStep.Challenge("Username:".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public SaslStep next(byte[] response) {
            if (username == null) {
                username = utf8(response);
                return new SaslStep.Challenge("Password:".getBytes(StandardCharsets.US_ASCII));
            }
            return check(username, utf8(response).toCharArray());
        }
    }

    /** RFC 5802 §5 with SHA-256 (RFC 7677); no channel binding. */
    private final class ScramSha256 implements Mechanism {
        private String username;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private ScramSecret secret;
        private boolean known;
        private int step;

        @Override
        public SaslStep start(byte[] initial) {
            if (initial == null) return new SaslStep.Challenge(new byte[0]);
            return next(initial);
        }

        @Override
        public SaslStep next(byte[] response) {
            step++;
            String msg = utf8(response);
            return switch (step) {
                case 1 -> clientFirst(msg);
                case 2 -> clientFinal(msg);
                default -> new SaslStep.Failure(username, "unexpected SCRAM message");
            };
        }

        private SaslStep clientFirst(String msg) {
            // gs2-header: "n,," or "y,,"; "p=" asks for channel binding, which we do not offer.
            if (!(msg.startsWith("n,") || msg.startsWith("y,"))) return new SaslStep.Failure(null, "channel binding not supported");
            int second = msg.indexOf(',', 2);
            if (second < 0) return new SaslStep.Failure(null, "malformed SCRAM client-first message");
            String authzid = msg.substring(2, second);
            clientFirstBare = msg.substring(second + 1);
            String clientNonce = null;
            for (String attr : clientFirstBare.split(",")) {
                if (attr.startsWith("n=")) username = attr.substring(2).replace("=2C", ",").replace("=3D", "=");
                else if (attr.startsWith("r=")) clientNonce = attr.substring(2);
                else if (attr.startsWith("m=")) return new SaslStep.Failure(username, "SCRAM extensions not supported");
            }
            if (username == null || clientNonce == null || clientNonce.isEmpty()) return new SaslStep.Failure(username, "malformed SCRAM client-first message");
            if (!authzid.isEmpty() && !authzid.equals("a=" + username)) return new SaslStep.Failure(username, "authorization identity not allowed");
            Optional<ScramSecret> s = directory.scramSecret(username);
            known = s.isPresent();
            secret = s.orElseGet(this::decoy);
            byte[] serverNonce = new byte[18];
            RANDOM.nextBytes(serverNonce);
            nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt()) + ",i=" + secret.iterations();
            return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
        }

        private ScramSecret decoy() {
            byte[] salt = java.util.Arrays.copyOf(Scram.hmac(decoyKey, username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)), 16);
            return new ScramSecret(salt, 4096, new byte[32], new byte[32]);
        }

        private SaslStep clientFinal(String msg) {
            int p = msg.lastIndexOf(",p=");
            if (p < 0) return new SaslStep.Failure(username, "malformed SCRAM client-final message");
            String withoutProof = msg.substring(0, p);
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(msg.substring(p + 3));
            } catch (IllegalArgumentException e) {
                return new SaslStep.Failure(username, "malformed SCRAM proof");
            }
            if (!withoutProof.contains("r=" + nonce) || proof.length != 32) return new SaslStep.Failure(username, "SCRAM nonce or proof mismatch");
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] clientSignature = Scram.hmac(secret.storedKey(), authMessage.getBytes(StandardCharsets.UTF_8));
            byte[] clientKey = new byte[32];
            for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
            boolean ok = MessageDigest.isEqual(Scram.sha256(clientKey), secret.storedKey()) && known;
            if (!ok) return new SaslStep.Failure(username, "invalid credentials");
            Optional<Account> account;
            try {
                account = directory.find(EmailAddress.parse(username));
            } catch (RuntimeException e) {
                account = Optional.empty();
            }
            if (account.isEmpty()) return new SaslStep.Failure(username, "invalid credentials");
            byte[] serverSignature = Scram.hmac(secret.serverKey(), authMessage.getBytes(StandardCharsets.UTF_8));
            return new SaslStep.Success(account.get(), ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
