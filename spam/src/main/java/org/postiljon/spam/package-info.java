/**
 * Spam filtering (issue #20): {@link org.postiljon.spam.Tokens} (what the classifier counts),
 * {@link org.postiljon.spam.Bayes} (the per-user classifier's arithmetic),
 * {@link org.postiljon.spam.Rules} (the built-in rules) and {@link org.postiljon.spam.Rspamd} (the
 * client of an operator's rspamd). Pure functions but for rspamd's HTTP: the token counts live in
 * the store (mailbox's {@code StoredSpamFilter}), delivery applies the verdict (smtp).
 *
 * <p>Invariants: a message is looked at up to its first {@link org.postiljon.spam.Tokens#MAX}
 * tokens and its first 100,000 characters of text, so a huge message costs no more than a long one;
 * nothing here throws on malformed mail (a message that does not parse is read as bytes).
 */
package org.postiljon.spam;
