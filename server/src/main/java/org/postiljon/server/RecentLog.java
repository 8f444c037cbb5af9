package org.postiljon.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The last log lines of this process, in memory, for the admin API's {@code /logs} and the
 * dashboard's error count (logback.xml attaches it to the root logger beside the console). Bounded:
 * {@value #KEEP} lines; the console (and whatever collects it) stays the full record.
 */
public final class RecentLog extends AppenderBase<ILoggingEvent> {

    static final int KEEP = 2000;
    private static final Deque<Line> LINES = new ArrayDeque<>(KEEP);

    /** One log line: its level, logger (short), message and key-value pairs (never more than the console shows). */
    record Line(Instant at, String level, String logger, String connection, String message, String pairs) { }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(Level.INFO)) return;
        String logger = e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder pairs = new StringBuilder();
        List<KeyValuePair> kvs = e.getKeyValuePairs();
        if (kvs != null) for (KeyValuePair kv : kvs) pairs.append(pairs.isEmpty() ? "" : " ").append(kv.key).append('=').append(kv.value);
        String message = e.getFormattedMessage();
        if (e.getThrowableProxy() != null) message += " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")";
        Line line = new Line(Instant.ofEpochMilli(e.getTimeStamp()), e.getLevel().toString(), logger, e.getMDCPropertyMap().get("conn"), message, pairs.toString());
        synchronized (LINES) {
            if (LINES.size() == KEEP) LINES.removeFirst();
            LINES.addLast(line);
        }
    }

    /** The newest lines first, at least of {@code level} (INFO, WARN, ERROR), at most {@code limit}. */
    static List<Line> newest(String level, int limit) {
        Level min = Level.toLevel(level, Level.INFO);
        List<Line> out = new ArrayList<>();
        synchronized (LINES) {
            var it = LINES.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                Line l = it.next();
                if (Level.toLevel(l.level()).isGreaterOrEqual(min)) out.add(l);
            }
        }
        return out;
    }

    /** Lines of WARN or ERROR since {@code since} (among those kept). */
    static long problemsSince(Instant since) {
        long n = 0;
        synchronized (LINES) {
            var it = LINES.descendingIterator();
            while (it.hasNext()) {
                Line l = it.next();
                if (l.at().isBefore(since)) break;
                if (!l.level().equals("INFO")) n++;
            }
        }
        return n;
    }
}
