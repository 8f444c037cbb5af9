package org.postiljon.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain IMAP session over a socket, to see what a mail program sees of changes made over HTTP. */
final class ImapProbe implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private int tag;

    ImapProbe(int port, String user, String password) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        in.readLine();
        command("LOGIN \"" + user + "\" \"" + password + "\"");
    }

    /** Runs a command; returns its untagged lines and the tagged one, last. */
    List<String> command(String command) throws IOException {
        String t = "p" + (++tag);
        send(t + " " + command);
        return tagged(t, command);
    }

    /** APPEND with a non-synchronizing literal (LITERAL+, RFC 7888): the bytes as given, with flags and a date. */
    List<String> append(String mailbox, String flags, String date, byte[] message) throws IOException {
        String t = "p" + (++tag);
        out.write((t + " APPEND " + mailbox + " (" + flags + ") \"" + date + "\" {" + message.length + "+}\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(message);
        send("");
        return tagged(t, "APPEND " + mailbox);
    }

    private List<String> tagged(String t, String command) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed");
            lines.add(line);
        } while (!line.startsWith(t + " "));
        if (!line.startsWith(t + " OK")) throw new AssertionError(command + " -> " + lines);
        return lines;
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line the server sends (during IDLE), within the socket timeout. */
    String next() throws IOException {
        return in.readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
