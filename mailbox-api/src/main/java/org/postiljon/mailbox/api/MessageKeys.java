package org.postiljon.mailbox.api;

import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.structure.MessageStructure;

/**
 * What is read from a message once, at delivery, and kept beside it so that listing, sorting and
 * threading never re-parse it (ARCHITECTURE.md principle 4).
 *
 * @param baseSubject RFC 5256 §2.1 base subject, for SORT SUBJECT and THREAD
 * @param sortFrom    RFC 5256 §3 sort key: the first From address's local part, lower-cased
 * @param sentDate    the Date header, or null when missing or unreadable
 * @param references  Message-IDs from References then In-Reply-To, for threading
 * @param fromText    decoded From addresses as "Name <addr>", comma separated, for SEARCH FROM (likewise to, cc, bcc)
 * @param parse       the envelope and body structure, or null where a read left it out (the
 *                    largest part of the keys)
 */
public record MessageKeys(String subject, String baseSubject, String sortFrom, String sortTo, String sortCc,
                          String displayFrom, Instant sentDate, String messageId, List<String> references,
                          String preview, String fromText, String toText, String ccText, String bccText,
                          MessageStructure parse, String displayTo) { }
