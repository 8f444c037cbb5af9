/**
 * The mail domain every protocol speaks: accounts, mailboxes, messages, flags, changes, and the
 * operation interfaces ({@link org.postiljon.mailbox.api.Mailboxes},
 * {@link org.postiljon.mailbox.api.Messages}, {@link org.postiljon.mailbox.api.Directory}).
 *
 * <p>Invariants a newcomer would break:
 * <ul>
 *   <li>JDK only. Nothing here knows a store, JDBC, a protocol or a MIME library.</li>
 *   <li>Values are validated once, where they are made ({@code MailboxName.of},
 *       {@code EmailAddress.parse}, {@code DomainName.of}); code that holds one may trust it.</li>
 *   <li>Every failure a user can cause is a {@link org.postiljon.mailbox.api.MailboxException}
 *       subclass; each protocol maps them to its own error codes in one table.</li>
 *   <li>A {@link org.postiljon.mailbox.api.Change} is published only after its commit is durable.</li>
 * </ul>
 */
package org.postiljon.mailbox.api;
