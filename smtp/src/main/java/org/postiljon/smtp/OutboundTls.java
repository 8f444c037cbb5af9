package org.postiljon.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.postiljon.mailauth.TlsRpt;

/**
 * TLS as outbound delivery speaks it: to other MX hosts (RFC 3207 STARTTLS) and to MTA-STS policy
 * hosts (HTTPS). The server's certificate is always checked against the WebPKI trust anchors (the
 * JDK's, plus the operator's own CA file) and the host name (RFC 6125, as RFC 8461 §4.2 asks), but
 * the handshake goes on whatever the outcome: the caller decides, since without a policy
 * opportunistic TLS (RFC 7435) is still better than none, and under MTA-STS testing the outcome is
 * reported, not enforced.
 */
final class OutboundTls {

    /**
     * What the certificate check came to.
     *
     * @param failure null when the certificate is valid for the host
     */
    record Verdict(TlsRpt.Result failure, String detail) {
        static final Verdict VALID = new Verdict(null, "");

        boolean valid() {
            return failure == null;
        }
    }

    /** A TLS socket and what its certificate check found. */
    record Handshake(SSLSocket socket, Verdict verdict) { }

    private final X509ExtendedTrustManager pkix;

    private OutboundTls(X509ExtendedTrustManager pkix) {
        this.pkix = pkix;
    }

    /** The JDK's trust anchors, and the certificates of {@code extraCa} (PEM) too when given (a private CA; tests). */
    static OutboundTls load(Path extraCa) throws IOException {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate c : ((javax.net.ssl.X509TrustManager) defaults.getTrustManagers()[0]).getAcceptedIssuers()) {
                anchors.setCertificateEntry("jdk-" + n++, c);
            }
            if (extraCa != null) {
                try (InputStream in = Files.newInputStream(extraCa)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) anchors.setCertificateEntry("extra-" + n++, c);
                }
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(anchors);
            for (TrustManager t : f.getTrustManagers()) if (t instanceof X509ExtendedTrustManager x) return new OutboundTls(x);
            throw new IOException("no PKIX trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the trust anchors: " + e.getMessage(), e);
        }
    }

    /** Starts TLS over {@code plain} as a client of {@code host} (its name is sent as SNI and checked in the certificate). */
    Handshake handshake(Socket plain, String host) throws IOException {
        Recording recording = new Recording(pkix);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {recording}, null);
            SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125 name matching, wildcards in the leftmost label only
            params.setServerNames(List.of(new SNIHostName(host.endsWith(".") ? host.substring(0, host.length() - 1) : host)));
            tls.setSSLParameters(params);
            tls.startHandshake();
            return new Handshake(tls, recording.verdict);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }

    /** RFC 8460 §4.3: which result type a failed check is reported under. */
    static Verdict classify(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                    || (t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED)) {
                return new Verdict(TlsRpt.Result.CERTIFICATE_EXPIRED, "certificate expired or not yet valid");
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return new Verdict(TlsRpt.Result.CERTIFICATE_HOST_MISMATCH, message);
        }
        return new Verdict(TlsRpt.Result.CERTIFICATE_NOT_TRUSTED, message);
    }

    /** Checks as PKIX does and keeps the outcome instead of failing the handshake. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        volatile Verdict verdict = new Verdict(TlsRpt.Result.VALIDATION_FAILURE, "no certificate checked");

        Recording(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            record(() -> pkix.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            record(() -> pkix.checkServerTrusted(chain, authType, engine));
        }

        private interface Check {
            void run() throws java.security.cert.CertificateException;
        }

        private void record(Check check) {
            try {
                check.run();
                verdict = Verdict.VALID;
            } catch (java.security.cert.CertificateException | RuntimeException e) {
                verdict = classify(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            verdict = new Verdict(TlsRpt.Result.VALIDATION_FAILURE, "no host name to check");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a client does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
