package org.postiljon.mailbox.api;

/**
 * Carries {@link Change}s to the listeners of one account. Listeners run on the publisher's
 * thread and must return quickly: they queue work for their session, they do not write to sockets.
 */
public interface ChangeBus {

    interface Listener {
        void onChange(Change change);
    }

    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    Subscription subscribe(long accountId, Listener listener);

    void publish(Change change);
}
