/**
 * JMAP (RFC 8620 Core, RFC 8621 Mail, RFC 9425 Quota) over the mailbox model, without HTTP.
 *
 * <p>Invariants: every mutation goes through {@code Messages}/{@code Mailboxes}, never around them,
 * so IMAP sessions and JMAP push hear of it from the same change event. Ids are the RFC 8474
 * object ids IMAP shows ({@code MailboxId}, {@code EmailId}, {@code ThreadId}); an Email is a content address in one or more of the
 * user's own mailboxes. Every state string is the account's MODSEQ, so one counter orders all
 * changes and /changes pages end on a MODSEQ boundary. Only the signed-in user's own account is
 * served; every blob download checks that the content is in one of that user's mailboxes or was
 * uploaded by that user. Inputs are bounded by {@code JmapLimits} (request size, calls, objects per
 * get/set, body value bytes) and Jackson's nesting limit.
 */
package org.postiljon.jmap;
