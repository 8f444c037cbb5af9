package org.postiljon.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Dovecot (Debian's dovecot-imapd and dovecot-pop3d, which ./test installs) on free loopback
 * ports with its own configuration and Maildir++ storage in a temporary directory: the server mail
 * is imported from. Users and their passwords are given; {@code admin} is a master user (Dovecot's
 * name for an administrator who logs in as any user). Folders "Sent Messages" and "Deleted Messages"
 * carry the special uses \Sent and \Trash, as on many installations. Dovecot's master process must
 * start as root (it drops to the mail user).
 */
final class Dovecot implements AutoCloseable {

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "master-secret";

    final Path dir;
    final int imapPort;
    final int pop3Port;
    private final Path config;

    private Dovecot(Path dir, Path config, int imapPort, int pop3Port) {
        this.dir = dir;
        this.config = config;
        this.imapPort = imapPort;
        this.pop3Port = pop3Port;
    }

    static Dovecot start(Path dir, Map<String, String> users) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dovecot")) && Files.isExecutable(Path.of("/usr/lib/dovecot/imap"))
                && Files.isExecutable(Path.of("/usr/lib/dovecot/pop3")), "Dovecot (dovecot-imapd, dovecot-pop3d) is not installed; ./test installs it");
        assumeTrue("root".equals(System.getProperty("user.name")), "Dovecot's master process starts as root; these tests run as "
                + System.getProperty("user.name"));
        // Dovecot's unprivileged processes (auth, login, the mail user) must reach the files: every
        // directory down from the temporary directory (JUnit makes them rwx------) is opened to others.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        for (Path p = dir.toRealPath(); p != null && p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(dir.resolve("run"));
        StringBuilder passwd = new StringBuilder();
        users.forEach((u, p) -> passwd.append(u).append(":{PLAIN}").append(p).append('\n'));
        Files.writeString(dir.resolve("users"), passwd);
        Files.writeString(dir.resolve("masters"), ADMIN + ":{PLAIN}" + ADMIN_PASSWORD + "\n");
        int imap = freePort(), pop3 = freePort();
        Path config = Files.writeString(dir.resolve("dovecot.conf"), """
                protocols = imap pop3
                listen = 127.0.0.1
                base_dir = %1$s/run
                instance_name = postiljon-test-%2$d
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                auth_master_user_separator = *
                mail_location = maildir:%1$s/mail/%%u
                mail_uid = nobody
                mail_gid = nogroup
                first_valid_uid = 0
                log_path = %1$s/dovecot.log
                pop3_uidl_format = %%08Xu%%08Xv
                passdb {
                  driver = passwd-file
                  args = %1$s/masters
                  master = yes
                }
                passdb {
                  driver = passwd-file
                  args = %1$s/users
                }
                userdb {
                  driver = static
                  args = uid=nobody gid=nogroup home=%1$s/mail/%%u allow_all_users=yes
                }
                namespace inbox {
                  inbox = yes
                  separator = .
                  mailbox "Sent Messages" {
                    special_use = \\Sent
                  }
                  mailbox "Deleted Messages" {
                    special_use = \\Trash
                  }
                }
                service imap-login {
                  inet_listener imap {
                    port = %2$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                service pop3-login {
                  inet_listener pop3 {
                    port = %3$d
                  }
                  inet_listener pop3s {
                    port = 0
                  }
                }
                """.formatted(dir, imap, pop3));
        Process p = new ProcessBuilder("/usr/sbin/dovecot", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("start.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("dovecot did not start: " + Files.readString(dir.resolve("start.log")));
        }
        Dovecot d = new Dovecot(dir, config, imap, pop3);
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), imap)) {
                return d;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        d.close();
        throw new IOException("dovecot is not listening on " + imap);
    }

    /** A user's Maildir, as Dovecot wrote it. */
    Path maildir(String user) {
        return dir.resolve("mail").resolve(user);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("/usr/sbin/dovecot", "-c", config.toString(), "stop").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }
}
