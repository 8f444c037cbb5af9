/**
 * Moving mail in and out (issue #23): {@link org.postiljon.transfer.Importer} copies an account from
 * another IMAP or POP3 server, a Maildir or mbox files into an account here;
 * {@link org.postiljon.transfer.Exporter} writes one out as a Maildir or mbox files.
 *
 * <p>Invariants: a source is never changed (IMAP folders are EXAMINEd, POP3 never deletes, files are
 * only read); every message goes in through the mailbox operations every protocol uses (quota,
 * UIDs, MODSEQ, the search index); a run keeps no state of its own, so it can stop anywhere and be
 * run again: messages already here are recognised by Message-ID, size and arrival second, and only
 * the rest are copied; each copied message's stored content address is compared with the SHA-256 of
 * the bytes fetched; an export never writes over existing files.
 */
package org.postiljon.transfer;
