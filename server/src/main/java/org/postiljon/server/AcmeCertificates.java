package org.postiljon.server;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.postiljon.web.AcmeChallenges;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's certificate from an ACME CA (RFC 8555; Let's Encrypt or any other, with acme4j):
 * ordered for {@code acme.domains} when there is none or it ends within {@code acme.renew-days},
 * proven by HTTP-01 (the web listener answers the CA's request), written to
 * {@code DATA/tls/acme/cert.pem} and {@code key.pem} (key mode 600, replaced atomically) and then
 * served by every listener without a restart. The ACME account key is kept beside them.
 */
final class AcmeCertificates {

    private static final Logger log = LoggerFactory.getLogger(AcmeCertificates.class);

    static {
        // acme4j makes and reads keys through Bouncy Castle's provider; added last, the JDK's own stay first for everything else.
        if (java.security.Security.getProvider("BC") == null) java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    }

    private final URI directory;
    private final List<String> domains;
    private final String email;
    private final Path caCertificate;
    private final Duration renewBefore;
    private final Path dir;
    private final AcmeChallenges challenges;

    /**
     * @param caCertificate a PEM CA to trust for the directory (a private CA); null: the JVM's trusted CAs
     */
    AcmeCertificates(URI directory, List<String> domains, String email, Path caCertificate, Duration renewBefore, Path dir, AcmeChallenges challenges) {
        this.directory = directory;
        this.domains = List.copyOf(domains);
        this.email = email;
        this.caCertificate = caCertificate;
        this.renewBefore = renewBefore;
        this.dir = dir;
        this.challenges = challenges;
    }

    Path certificateFile() {
        return dir.resolve("cert.pem");
    }

    Path keyFile() {
        return dir.resolve("key.pem");
    }

    /** When the certificate on disk ends; empty when there is none (or it cannot be read). */
    Optional<Instant> expires() {
        if (!Files.isRegularFile(certificateFile()) || !Files.isRegularFile(keyFile())) return Optional.empty();
        try (var in = Files.newInputStream(certificateFile())) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Optional.of(c.getNotAfter().toInstant());
        } catch (IOException | java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether a certificate is due: none yet, or it ends within the renewal window. */
    boolean due(Instant now) {
        return expires().map(end -> end.minus(renewBefore).isBefore(now)).orElse(true);
    }

    /**
     * Orders a certificate, answers the CA's challenges, and writes it with its new key.
     *
     * @throws IOException when the CA refused or could not validate (the old certificate stays)
     */
    void renew() throws IOException, InterruptedException {
        try {
            Session session = new Session(directory, new Provider(caCertificate));
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
            if (!email.isEmpty()) builder.addEmail(email);
            Account account = builder.create(session);
            Order order = account.newOrder().domains(domains).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) continue;
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class)
                        .orElseThrow(() -> new IOException("the CA offers no http-01 challenge for " + auth.getIdentifier().getDomain()));
                challenges.put(challenge.getToken(), challenge.getAuthorization());
                try {
                    challenge.trigger();
                    Status s = challenge.waitForCompletion(Duration.ofMinutes(2));
                    if (s != Status.VALID) {
                        throw new IOException("the CA could not validate " + auth.getIdentifier().getDomain() + " over HTTP (port 80): "
                                + challenge.getError().map(Object::toString).orElse(s.toString()));
                    }
                } finally {
                    challenges.remove(challenge.getToken());
                }
            }
            KeyPair key = KeyPairUtils.createKeyPair(2048);
            order.execute(key);
            Status s = order.waitForCompletion(Duration.ofMinutes(2));
            if (s != Status.VALID) throw new IOException("the CA did not issue: " + order.getError().map(Object::toString).orElse(s.toString()));
            Files.createDirectories(dir);
            // Key first, then the chain: a reader that sees the new chain finds its key already there.
            write(keyFile(), w -> KeyPairUtils.writeKeyPair(key, w));
            write(certificateFile(), w -> order.getCertificate().writeCertificate(w));
            log.atInfo().addKeyValue("domains", String.join(",", domains)).addKeyValue("expires", expires().map(Instant::toString).orElse("?"))
                    .log("ACME certificate issued");
        } catch (AcmeException e) {
            throw new IOException("ACME: " + e.getMessage(), e);
        }
    }

    /** The ACME account's key, made once. */
    private KeyPair accountKey() throws IOException {
        Path file = dir.resolve("account-key.pem");
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                return KeyPairUtils.readKeyPair(r);
            }
        }
        Files.createDirectories(dir);
        KeyPair k = KeyPairUtils.createECKeyPair("secp256r1");
        write(file, w -> KeyPairUtils.writeKeyPair(k, w));
        return k;
    }

    @FunctionalInterface
    private interface Content {
        void write(Writer w) throws IOException;
    }

    /** Owner-only, written beside and moved over the old file in one step. */
    private static void write(Path file, Content content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            content.write(w);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Any ACME directory URL, over an HTTP client that trusts {@code acme.ca-certificate} when one is given. */
    private static final class Provider extends GenericAcmeProvider {
        private final Path ca;

        Provider(Path ca) {
            this.ca = ca;
        }

        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings, HttpClient client) {
            if (ca == null) return super.createHttpConnector(settings, client);
            try (var in = Files.newInputStream(ca)) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca" + i++, c);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                return new HttpConnector(settings, HttpClient.newBuilder().sslContext(ssl).connectTimeout(settings.getTimeout())
                        .followRedirects(HttpClient.Redirect.NORMAL).build());
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("acme.ca-certificate " + ca + " cannot be read: " + e.getMessage(), e);
            }
        }
    }
}
