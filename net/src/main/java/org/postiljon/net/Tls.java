package org.postiljon.net;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A server TLS context from a PEM certificate chain and key, or a generated self-signed one. Its
 * certificate can be replaced while it serves ({@link #replaceWith}): the context stays the same
 * object (the mail listeners and Jetty hold it), its key manager hands each new handshake the
 * newest certificate and key. Sessions already open keep theirs.
 */
public final class Tls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private final SSLContext context;
    private final Keys keys;
    private volatile X509Certificate certificate;

    private Tls(SSLContext context, Keys keys, X509Certificate certificate) {
        this.context = context;
        this.keys = keys;
        this.certificate = certificate;
    }

    public SSLContext context() {
        return context;
    }

    /** The certificate new handshakes get (the leaf). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** From now on every new handshake on this context gets {@code other}'s certificate chain and key. */
    public void replaceWith(Tls other) {
        keys.use(other.keys.current);
        certificate = other.certificate;
    }

    /**
     * The key manager behind the context: one generation of certificate and key at a time. The
     * alias it chooses names the generation, so a handshake that chose before a replacement still
     * gets the chain and the key of the same generation (the one before is kept for that).
     */
    private static final class Keys extends javax.net.ssl.X509ExtendedKeyManager {
        private record Generation(int number, javax.net.ssl.X509ExtendedKeyManager keys) { }

        private volatile Generation current;
        private volatile Generation previous;

        Keys(javax.net.ssl.X509ExtendedKeyManager first) {
            current = new Generation(0, first);
        }

        synchronized void use(Generation next) {
            previous = current;
            current = new Generation(current.number() + 1, next.keys());
        }

        private static String tag(Generation g, String alias) {
            return alias == null ? null : g.number() + "/" + alias;
        }

        /** The generation an alias was chosen from, and the delegate's own alias. */
        private java.util.Map.Entry<javax.net.ssl.X509ExtendedKeyManager, String> resolve(String alias) {
            int slash = alias == null ? -1 : alias.indexOf('/');
            if (slash < 0) return java.util.Map.entry(current.keys(), String.valueOf(alias));
            String n = alias.substring(0, slash);
            Generation g = current, p = previous;
            javax.net.ssl.X509ExtendedKeyManager km = n.equals(String.valueOf(g.number())) ? g.keys()
                    : p != null && n.equals(String.valueOf(p.number())) ? p.keys() : g.keys();
            return java.util.Map.entry(km, alias.substring(slash + 1));
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
            Generation g = current;
            return tag(g, g.keys().chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            Generation g = current;
            return tag(g, g.keys().chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            var r = resolve(alias);
            return r.getKey().getCertificateChain(r.getValue());
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            var r = resolve(alias);
            return r.getKey().getPrivateKey(r.getValue());
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            Generation g = current;
            String[] a = g.keys().getServerAliases(keyType, issuers);
            return a == null ? null : Arrays.stream(a).map(x -> tag(g, x)).toArray(String[]::new);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return null; // a server context: never a client certificate
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Loads a PEM chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1). */
    public static Tls fromPem(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try {
            JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
            try (Reader r = Files.newBufferedReader(certificateFile); PEMParser p = new PEMParser(r)) {
                Object o;
                while ((o = p.readObject()) != null) if (o instanceof X509CertificateHolder h) chain.add(certs.getCertificate(h));
            }
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
                Object o;
                while ((o = p.readObject()) != null && key == null) {
                    if (o instanceof PEMKeyPair kp) key = keys.getKeyPair(kp).getPrivate();
                    else if (o instanceof PrivateKeyInfo info) key = keys.getPrivateKey(info);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read TLS certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) throw new IOException("no certificate in " + certificateFile);
        if (key == null) throw new IOException("no private key in " + keyFile + " (encrypted keys are not supported)");
        return of(chain, key);
    }

    private static Tls of(List<X509Certificate> chain, PrivateKey key) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pass = new char[0];
            ks.setKeyEntry("server", key, pass, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            Keys keys = new Keys((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new javax.net.ssl.KeyManager[] {keys}, null, new SecureRandom());
            return new Tls(ctx, keys, chain.getFirst());
        } catch (GeneralSecurityException e) {
            throw new IOException("certificate and key do not make a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a self-signed certificate for {@code hostname} (RSA 2048, valid a year) into
     * {@code dir/cert.pem} and {@code dir/key.pem} (mode 600). Mail clients will warn about it.
     */
    public static Tls generateSelfSigned(Path dir, String hostname) throws IOException {
        return generateSelfSigned(dir, hostname, List.of("localhost"));
    }

    /** The same, with {@code otherNames} (DNS names) in the certificate besides {@code hostname} and the loopback addresses. */
    public static Tls generateSelfSigned(Path dir, String hostname, List<String> otherNames) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", ""));
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            List<GeneralName> names = new java.util.ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, hostname));
            for (String n : otherNames) names.add(new GeneralName(GeneralName.dNSName, n));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
            Files.createDirectories(dir);
            Path keyFile = dir.resolve("key.pem");
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(kp.getPrivate());
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve("cert.pem")); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(cert);
            }
            return of(List.of(cert), kp.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** The parameters every server socket uses: TLS 1.2+ and AEAD suites only. */
    SSLParameters parameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(Arrays.stream(p.getCipherSuites())
                .filter(c -> c.startsWith("TLS_AES_") || c.startsWith("TLS_CHACHA20_")
                        || (c.startsWith("TLS_ECDHE_") && (c.contains("_GCM_") || c.contains("CHACHA20"))))
                .toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    /** Wraps an accepted plain socket (STARTTLS, or implicit TLS right after accept) and handshakes. */
    public SSLSocket wrap(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        s.setUseClientMode(false);
        s.setSSLParameters(parameters());
        s.startHandshake();
        return s;
    }
}
