package org.postiljon.transfer;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Properties;

/** How import connects to other servers with Angus Mail: timeouts, TLS that is checked, no password in the clear. */
final class Connections {

    private Connections() { }

    /**
     * Angus Mail's settings for {@code scheme} (imap, imaps, pop3, pop3s). The plain schemes must
     * switch to TLS (STARTTLS, STLS) before the password is sent, unless the host is a loopback address.
     */
    static Properties properties(String scheme, String host, boolean trustAnyCert) {
        Properties p = new Properties();
        String m = "mail." + scheme + ".";
        p.put(m + "connectiontimeout", "30000");
        p.put(m + "timeout", "300000");
        p.put(m + "writetimeout", "300000");
        p.put(m + "ssl.checkserveridentity", String.valueOf(!trustAnyCert));
        if (trustAnyCert) p.put(m + "ssl.trust", "*");
        if (!scheme.endsWith("s")) {
            p.put(m + "starttls.enable", "true");
            p.put(m + "starttls.required", String.valueOf(!loopback(host)));
        }
        return p;
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** A client library's failure as the one line the operator reads. */
    static IOException io(String doing, MessagingException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) cause = cause.getCause();
        return new IOException(doing + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), e);
    }
}
