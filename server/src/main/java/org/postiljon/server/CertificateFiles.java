package org.postiljon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postiljon.net.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PEM certificate and key a node serves ({@code tls.certificate}/{@code tls.key}, or ACME's),
 * watched for a change by size and modification time: what changes when an operator, certbot or
 * ACME replaces them. A pair that does not load (half written, key and certificate apart) is
 * logged once and tried again at the next change.
 */
final class CertificateFiles {

    private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);
    private final Path certificate;
    private final Path key;
    private List<String> served;
    private List<String> failed = List.of();

    /** As they are now: a change is one from this moment (files not there yet count as "missing"). */
    CertificateFiles(Path certificate, Path key) {
        this.certificate = certificate;
        this.key = key;
        this.served = stamp();
    }

    /** The pair as it is on disk now. */
    Tls load() throws IOException {
        return Tls.fromPem(certificate, key);
    }

    /** The new pair when the files changed since the last one served and it loads; empty otherwise. */
    synchronized Optional<Tls> changed() {
        List<String> now = stamp();
        if (now.equals(served)) return Optional.empty();
        try {
            Tls fresh = load();
            served = now;
            return Optional.of(fresh);
        } catch (IOException | RuntimeException e) {
            if (!now.equals(failed)) log.warn("TLS certificate files changed but do not load ({}); still serving the old one", e.getMessage());
            failed = now;
            return Optional.empty();
        }
    }

    private List<String> stamp() {
        List<String> s = new ArrayList<>();
        for (Path f : List.of(certificate, key)) {
            try {
                s.add(Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
            } catch (IOException e) {
                s.add("missing");
            }
        }
        return s;
    }
}
