package org.postiljon.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * One client connection. Its streams change once, on STARTTLS; code that kept the old streams
 * must fetch them again after {@link #startTls}.
 */
public final class Connection {

    private final String id;
    private final InetAddress remote;
    private Socket socket;
    private boolean secure;
    private InputStream in;
    private OutputStream out;
    private volatile boolean closeRequested;
    /** Set while the session waits for its next command: what to send if the server shuts down then. */
    private byte[] goodbye;
    private boolean saidGoodbye;

    /** Set for a unix-domain connection (LMTP from a local MTA), which has no {@link Socket}. */
    private ChannelStreams unix;

    /**
     * Time a command may take to arrive: {@code commandMillis} ({@value #COMMAND_BASE_SECONDS} s by
     * default) plus one second per {@value #COMMAND_MIN_BYTES_PER_SECOND} octets it brings. A client
     * that sends a byte now and then (each resetting the idle timeout) is cut off; a slow upload of a
     * large message is not.
     */
    static final int COMMAND_BASE_SECONDS = 60;
    private final long commandMillis;
    static final int COMMAND_MIN_BYTES_PER_SECOND = 1024;
    private int idleMillis;
    /** The read timeout last given to the socket; -1 before any. */
    private int timeoutSet = -1;
    /** When the command being read began (its first byte), or 0 while the session waits for one. */
    private volatile long commandStart;
    private long commandBytes;

    Connection(String id, Socket socket, boolean secure, InetAddress remote, java.time.Duration commandTime) throws IOException {
        this.id = id;
        this.remote = remote;
        this.commandMillis = commandTime.toMillis();
        use(socket, secure);
    }

    /** A unix-domain connection: local by definition, never TLS. */
    Connection(String id, ChannelStreams unix, java.time.Duration commandTime) {
        this.id = id;
        this.remote = InetAddress.getLoopbackAddress();
        this.commandMillis = commandTime.toMillis();
        this.unix = unix;
        this.in = new BufferedInputStream(new Paced(unix.input()), 16 * 1024);
        this.out = new BufferedOutputStream(unix.output(), 16 * 1024);
    }

    private void use(Socket s, boolean tls) throws IOException {
        this.socket = s;
        this.timeoutSet = -1; // a TLS socket wrapped around the plain one has its own setting
        this.secure = tls;
        this.in = new BufferedInputStream(new Paced(s.getInputStream()), 16 * 1024);
        this.out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    }

    public String id() {
        return id;
    }

    private final long started = System.nanoTime();
    private volatile String user;
    private volatile int commands;

    /** The session signed in as {@code user}: named in its log line. */
    public void signedIn(String user) {
        this.user = user;
    }

    /** Who signed in on this connection, or null. */
    public String user() {
        return user;
    }

    /** Commands answered so far. */
    public int commands() {
        return commands;
    }

    /** Milliseconds since the connection was accepted. */
    public long ageMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    public String remoteIp() {
        return remote.getHostAddress();
    }

    /** True for 127.0.0.0/8 and ::1, where plaintext passwords may be allowed by configuration. */
    public boolean isLoopback() {
        return remote.isLoopbackAddress();
    }

    public boolean isSecure() {
        return secure;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    /** Sets the read timeout (the idle deadline before and after login differ). */
    public void readTimeout(java.time.Duration d) throws SocketException {
        idleMillis = (int) Math.min(Integer.MAX_VALUE, d.toMillis());
        timeout(idleMillis);
    }

    private void timeout(int millis) throws SocketException {
        if (millis == timeoutSet) return; // the pacing sets it before every read; most reads keep it
        timeoutSet = millis;
        if (unix != null) unix.timeoutMillis = millis; else socket.setSoTimeout(millis);
    }

    /**
     * The command is answered: the next byte starts the next command's clock, and until it comes
     * only the idle timeout applies (IDLE calls this too: it waits for DONE as for a new command).
     */
    public void commandDone() {
        commandStart = 0;
        commands++;
    }

    /** The raw input under the buffer: starts a command's clock at its first byte and holds it to its pace. */
    private final class Paced extends InputStream {
        private final InputStream raw;
        private final byte[] one = new byte[1];

        Paced(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long start = commandStart;
            if (start != 0) {
                long allowed = start + (commandMillis + commandBytes * 1000 / COMMAND_MIN_BYTES_PER_SECOND) * 1_000_000;
                long left = (allowed - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new java.net.SocketTimeoutException("the command arrives too slowly");
                timeout((int) Math.max(1, idleMillis == 0 ? left : Math.min(idleMillis, left)));
            } else {
                timeout(idleMillis); // 0 (none) too: a command's shorter deadline must not outlive it
            }
            int n = raw.read(b, off, len);
            if (n > 0) {
                if (commandStart == 0) {
                    commandStart = System.nanoTime();
                    commandBytes = 0;
                }
                commandBytes += n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return raw.available();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /**
     * Upgrades to TLS. Bytes the client pipelined after the STARTTLS command are an attack
     * (CVE-2011-0411 style injection): the caller must have checked {@code input().available() == 0}.
     */
    public void startTls(Tls tls) throws IOException {
        if (secure) throw new IllegalStateException("already secure");
        if (unix != null) throw new IOException("no TLS on a unix socket");
        out.flush();
        use(tls.wrap(socket), true);
    }

    /** The compression in force (RFC 4978), or null; its native memory is freed when it ends. */
    private java.util.zip.Deflater deflater;
    private java.util.zip.Inflater inflater;
    /** The streams beneath the compression, to return to when it ends (RFC 8437 §3). */
    private InputStream plainIn;
    private OutputStream plainOut;
    private Inflating inflating;

    /** True while {@link #compress} is in force. */
    public boolean isCompressed() {
        return deflater != null;
    }

    /**
     * Turns on DEFLATE (RFC 1951, raw: no zlib header) in both directions, beneath TLS (RFC 4978
     * §3: compressed first, then encrypted). Every flush of the output ends a deflate block
     * (SYNC_FLUSH), so each response reaches the client whole. Bytes already read ahead into the
     * input buffer are inflated too. Code that kept the old streams must fetch them again.
     */
    public void compress(int level) throws IOException {
        if (deflater != null) throw new IllegalStateException("already compressed");
        out.flush();
        plainIn = in;
        plainOut = out;
        deflater = new java.util.zip.Deflater(level, true);
        inflater = new java.util.zip.Inflater(true);
        inflating = new Inflating(in, inflater);
        in = new BufferedInputStream(inflating, 16 * 1024);
        out = new BufferedOutputStream(new java.util.zip.DeflaterOutputStream(out, deflater, 4096, true), 16 * 1024);
    }

    /**
     * Ends the compression (RFC 8437 §3: after UNAUTHENTICATE): what is written now goes out plain;
     * input the inflater had taken but not used (the client stopped compressing after its command)
     * is read plain before the rest.
     */
    public void uncompress() throws IOException {
        if (deflater == null) return;
        out.flush();
        byte[] leftover = inflating.unused();
        in = leftover.length == 0 ? plainIn : new BufferedInputStream(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(leftover), plainIn), 16 * 1024);
        out = plainOut;
        deflater.end();
        inflater.end();
        deflater = null;
        inflater = null;
        inflating = null;
    }

    /** An inflating stream that can say which of the bytes it took it has not inflated. */
    private static final class Inflating extends java.util.zip.InflaterInputStream {
        Inflating(InputStream in, java.util.zip.Inflater inflater) {
            super(in, inflater, 4096);
        }

        byte[] unused() {
            int n = inf.getRemaining();
            return java.util.Arrays.copyOfRange(buf, len - n, len);
        }
    }

    /**
     * Asks the session to end at its next command boundary (shutdown). A session that is waiting
     * for its next command is told at once ({@link #awaitingCommand}) instead of at the end of the
     * grace period.
     */
    synchronized void requestClose() {
        closeRequested = true;
        if (goodbye == null) return;
        try {
            out.write(goodbye);
            out.flush();
        } catch (IOException ignored) {
            // the peer may be gone
        }
        saidGoodbye = true;
        close(); // the session's blocked read ends with an exception; see awaitingCommand
    }

    /**
     * Client text to echo in a response line: printable ASCII only (so CR, LF and NUL can never
     * forge a line), at most {@code max} characters.
     */
    public static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** A command line as read by {@link #readCommand}; {@code tooLong} when it was dropped for its length. */
    public record CommandLine(byte[] bytes, boolean tooLong) { }

    /**
     * The next command line of a session that waits for one, with shutdown handled: null when the
     * session should end (end of stream, or shutdown closed the connection after {@code goodbye}).
     */
    public CommandLine readCommand(LineReader in, byte[] goodbye) throws IOException {
        commandDone();
        awaitingCommand(goodbye);
        byte[] line;
        try {
            line = in.readLine();
        } catch (LineReader.LineTooLong e) {
            return awaitingCommand(null) ? null : new CommandLine(null, true);
        } catch (IOException e) {
            if (awaitingCommand(null)) return null;
            throw e;
        }
        return awaitingCommand(null) || line == null ? null : new CommandLine(line, false);
    }

    /**
     * Marks the time a session spends blocked on reading its next command, when nothing of its
     * own is being written: a shutdown in that time writes {@code goodbye} (a complete response
     * line) for it and closes the connection. Call with null once the read returned.
     *
     * @return true when the goodbye was sent: the session must end without answering anything
     */
    public synchronized boolean awaitingCommand(byte[] goodbye) {
        this.goodbye = goodbye;
        return saidGoodbye;
    }

    public boolean closeRequested() {
        return closeRequested;
    }

    void close() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // the peer may be gone
        }
        try {
            if (unix != null) unix.close(); else socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The session is over (called by its own thread, after which nothing reads or writes): closes and frees the compressors. */
    void finish() {
        close();
        if (deflater != null) {
            deflater.end();
            inflater.end();
        }
    }
}
