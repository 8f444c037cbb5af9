package org.postiljon.managesieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.imap.TestNode;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.net.Listener;

/**
 * ManageSieve (RFC 5804) over real sockets: the protocol line by line (capabilities, SASL, the
 * script commands, refusals with their response codes, a literal too large), then two independent
 * clients from Debian: sieve-connect (Perl, over STARTTLS) and python3-sievelib.
 */
class ManageSieveTest {

    static final String SCRIPT = "require \"fileinto\";\r\nif header :contains \"subject\" \"[list]\" { fileinto \"Lists\"; }\r\n";

    static Listener start(TestNode node) throws Exception {
        return node.listen("managesieve", false, new ManageSieveServer(new ManageSieveServices(node.model.directory(), node.model.sieveScripts(),
                node.tls, node.sasl, node.throttle, true)));
    }

    /** A plain client: send a line, read responses up to OK/NO/BYE (literals included). */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        List<String> read() throws Exception {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = in.readLine();
                if (l == null) return lines;
                lines.add(l);
                if (l.matches("\\{[0-9]+}")) { // a literal: its bytes, then the rest of the response
                    char[] data = new char[Integer.parseInt(l.substring(1, l.length() - 1))];
                    int n = 0;
                    while (n < data.length) n += in.read(data, n, data.length - n);
                    lines.add(new String(data));
                    continue;
                }
                if (l.startsWith("OK") || l.startsWith("NO") || l.startsWith("BYE")) return lines;
            }
        }

        /** A command answered by one SASL challenge line. */
        String challenge(String command) throws Exception {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        List<String> send(String command) throws Exception {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + s;
    }

    @Test
    void theProtocolLineByLine(@TempDir Path dir) throws Exception {
        try (TestNode node = new TestNode(dir, "example.org", java.util.Set.of())) {
            Account alice = node.account("alice@example.org");
            int port = start(node).address().getPort();
            try (Client c = new Client(port)) {
                List<String> greeting = c.read();
                assertEquals("\"IMPLEMENTATION\" \"Postiljon\"", greeting.getFirst());
                assertTrue(greeting.stream().anyMatch(l -> l.startsWith("\"SIEVE\" \"") && l.contains("fileinto") && l.contains("vacation")), greeting.toString());
                assertTrue(greeting.contains("\"SASL\" \"PLAIN LOGIN SCRAM-SHA-256\"") && greeting.contains("\"STARTTLS\"")
                        && greeting.contains("\"VERSION\" \"1.0\""), greeting.toString());
                assertEquals("OK \"Postiljon ManageSieve ready\"", greeting.getLast());

                assertEquals(List.of("NO \"authenticate first\""), c.send("LISTSCRIPTS"));
                String bad = Base64.getEncoder().encodeToString("\0alice@example.org\0wrong".getBytes(StandardCharsets.UTF_8));
                assertEquals(List.of("NO \"authentication failed\""), c.send("AUTHENTICATE \"PLAIN\" \"" + bad + "\""));
                // Without an initial response: an empty challenge, answered by a string.
                assertEquals("\"\"", c.challenge("AUTHENTICATE \"PLAIN\""));
                String good = Base64.getEncoder().encodeToString(("\0alice@example.org\0" + TestNode.PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertEquals(List.of("OK"), c.send("\"" + good + "\""));

                assertEquals(List.of("OK"), c.send("PUTSCRIPT \"main\" " + literal(SCRIPT)));
                List<String> refused = c.send("PUTSCRIPT \"broken\" " + literal("fileinto \"x\";"));
                assertEquals(List.of("NO \"not a valid Sieve script: line 1: fileinto needs require \\\"fileinto\\\"\""), refused);
                assertEquals(List.of("NO \"line 1: unknown command frob\""), c.send("CHECKSCRIPT " + literal("frob;")));
                assertEquals(List.of("OK"), c.send("CHECKSCRIPT \"keep;\""));
                assertEquals(List.of("\"main\"", "OK"), c.send("LISTSCRIPTS"));
                assertEquals(List.of("OK"), c.send("SETACTIVE \"main\""));
                assertEquals(List.of("\"main\" ACTIVE", "OK"), c.send("LISTSCRIPTS"));
                assertEquals(List.of("{" + SCRIPT.length() + "}", SCRIPT, "", "OK"), c.send("GETSCRIPT \"main\""));
                assertEquals(List.of("NO (ACTIVE) \"the script is active; deactivate it first\""), c.send("DELETESCRIPT \"main\""));
                assertEquals(List.of("NO (NONEXISTENT) \"no script nonesuch\""), c.send("GETSCRIPT \"nonesuch\""));
                assertEquals(List.of("OK"), c.send("RENAMESCRIPT \"main\" \"filters\""));
                assertEquals(List.of("NO (QUOTA/MAXSIZE) \"a script is at most 262144 octets\""), c.send("HAVESPACE \"x\" 999999"));
                assertEquals(List.of("OK"), c.send("HAVESPACE \"x\" 1000"));
                // A literal beyond the limit is read and dropped: the next command is understood.
                String huge = "x".repeat(Session.MAX_LITERAL + 10);
                assertEquals(List.of("NO (QUOTA/MAXSIZE) \"a literal is at most " + Session.MAX_LITERAL + " octets\""),
                        c.send("PUTSCRIPT \"big\" " + literal(huge)));
                assertEquals(List.of("OK \"Done\"").getFirst().substring(0, 2), c.send("NOOP").getFirst().substring(0, 2));
                assertEquals(List.of("NO \"unknown command FROB\""), c.send("FROB"));
                assertEquals(List.of("NO \"a quoted string that does not end\""), c.send("PUTSCRIPT \"open"));
                assertEquals(List.of("NO \"expected 2 arguments\""), c.send("RENAMESCRIPT \"filters\""));
                assertEquals(List.of("OK \"Logout complete\""), c.send("LOGOUT"));
            }
            assertEquals(List.of(new SieveScripts.Script("filters", SCRIPT, true, 0)), withoutIds(node.model.sieveScripts().list(alice)));
        }
    }

    @Test
    void sieveConnectAndPythonSievelibManageScripts(@TempDir Path dir) throws Exception {
        try (TestNode node = new TestNode(dir, "example.org", java.util.Set.of())) {
            Account alice = node.account("alice@example.org");
            int port = start(node).address().getPort();
            Path file = Files.writeString(dir.resolve("vacation.sieve"), "require \"vacation\";\nvacation \"I am away.\";\n");

            // sieve-connect (Debian): STARTTLS with the test certificate, PLAIN inside TLS.
            for (List<String> action : List.of(List.of("--upload", "--localsieve", file.toString(), "--remotesieve", "away"),
                    List.of("--activate", "--remotesieve", "away"))) {
                List<String> cmd = new ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1", "--port", String.valueOf(port),
                        "--user", "alice@example.org", "--passwordfd", "0", "--notlsverify", "--authmech", "PLAIN"));
                cmd.addAll(action);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (OutputStream pw = p.getOutputStream()) {
                    pw.write((TestNode.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
                }
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sieve-connect finished");
                assertEquals(0, p.exitValue(), "sieve-connect " + action + ": " + output);
            }
            assertEquals("require \"vacation\";\nvacation \"I am away.\";\n", node.model.sieveScripts().active(alice).orElseThrow());

            // python3-sievelib: list, put, check a bad one, get, rename, deactivate, delete.
            String script = String.join("\n",
                    "from sievelib.managesieve import Client",
                    "c = Client('127.0.0.1', " + port + ")",
                    "assert c.connect('alice@example.org', '" + TestNode.PASSWORD + "', authmech='PLAIN')",
                    "print(c.listscripts())",
                    "assert c.putscript('second', 'require \"fileinto\";\\nfileinto \"Later\";\\n')",
                    "assert not c.putscript('bad', 'fileinto \"x\";')",
                    "print(c.getscript('second'))",
                    "assert c.renamescript('second', 'third')",
                    "assert c.setactive('')",
                    "assert c.deletescript('away')",
                    "print(c.listscripts())",
                    "c.logout()",
                    "");
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python finished");
            assertEquals(0, p.exitValue(), output);
            List<String> lines = output.lines().toList();
            assertEquals("('away', [])", lines.get(0));
            assertEquals("require \"fileinto\";", lines.get(1));
            assertEquals("(None, ['third'])", lines.getLast());
            assertEquals(List.of(new SieveScripts.Script("third", "require \"fileinto\";\nfileinto \"Later\";\n", false, 0)),
                    withoutIds(node.model.sieveScripts().list(alice)));
        }
    }

    /** The scripts with their ids left out (random for scripts made now). */
    static List<SieveScripts.Script> withoutIds(List<SieveScripts.Script> scripts) {
        return scripts.stream().map(x -> new SieveScripts.Script(x.name(), x.content(), x.active(), 0)).toList();
    }
}
