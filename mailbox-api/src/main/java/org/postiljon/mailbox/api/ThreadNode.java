package org.postiljon.mailbox.api;

import java.util.List;

/**
 * A node of a thread tree (RFC 5256 §4): a message by UID, or a placeholder ({@code uid} 0) for a
 * message that is referenced but not in the mailbox or not in the search result.
 */
public record ThreadNode(long uid, List<ThreadNode> children) {

    public ThreadNode {
        children = List.copyOf(children);
    }
}
