package org.postiljon.imap.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.postiljon.imap.wire.CommandReader;

/**
 * IDLE, RFC 2177 / RFC 9051 §6.3.13: changes are written as soon as they are committed. A reader
 * thread waits for DONE while this thread waits for changes.
 */
final class Idle implements Command {

    /** What the reader thread reports when the stream ended (an empty line is not the end). */
    private static final String END = new String("end of stream");

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.flushChanges(true);
        s.out().continuation("idling");
        s.connection().commandDone(); // DONE is awaited like a new command: the idle timeout applies, not the pace
        AtomicReference<String> done = new AtomicReference<>();
        SelectedMailbox view = s.selected;
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                String line = in.rawLine();
                done.set(line == null ? END : line);
            } catch (IOException e) {
                done.set(END);
            }
            if (view != null) view.wake();
        });
        try {
            while (done.get() == null) {
                if (s.connection().closeRequested()) {
                    s.out().untagged("BYE server shutting down"); // RFC 9051 §7.1.5; the client is idle
                    s.out().flush();
                    s.state = Session.State.LOGOUT;
                    return;
                }
                if (view == null) {
                    reader.join(1000);
                    s.flushChanges(true); // RFC 5465 §4: NOTIFY's events are told during IDLE too
                    s.out().flush();
                    continue;
                }
                view.awaitChange(1000);
                s.flushChanges(true);
                s.out().flush();
                if (s.state == Session.State.LOGOUT) return;
            }
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String line = done.get();
        if (line == END) { // identity: only the reader's marker, never a line the client sent
            s.state = Session.State.LOGOUT;
            return;
        }
        if (!line.equalsIgnoreCase("DONE")) {
            s.out().tagged(tag, "BAD", null, "expected DONE");
            return;
        }
        s.ok(tag, "IDLE terminated", true);
    }
}
