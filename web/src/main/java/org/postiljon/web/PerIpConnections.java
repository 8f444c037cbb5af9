package org.postiljon.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.SelectorManager;
import org.postiljon.net.Slots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its address already holds {@code max} on the listener, as
 * the mail listeners do: one client cannot take every descriptor or every request slot.
 */
final class PerIpConnections implements SelectorManager.AcceptListener {

    private static final Logger log = LoggerFactory.getLogger(PerIpConnections.class);

    private final int max;
    private final Slots<String> open;
    /** The connections counted, with their address: a connection refused is never counted. */
    private final Map<SelectableChannel, String> counted = new ConcurrentHashMap<>();

    PerIpConnections(int max) {
        this.max = max;
        this.open = new Slots<>(max);
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        String ip;
        try {
            ip = ((InetSocketAddress) ((SocketChannel) channel).getRemoteAddress()).getAddress().getHostAddress();
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (!open.take(ip)) {
            log.info("HTTP connection from {} refused: it holds {} already", ip, max);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
            return;
        }
        counted.put(channel, ip);
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    private void release(SelectableChannel channel) {
        String ip = counted.remove(channel);
        if (ip == null) return;
        open.release(ip);
    }
}
