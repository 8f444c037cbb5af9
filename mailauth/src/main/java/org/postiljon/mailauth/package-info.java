/**
 * Mail authentication (issue #19): DKIM signing and verification (RFC 6376, with RSA-SHA256 and
 * Ed25519-SHA256 of RFC 8463, and RFC 8301's rules on algorithms and key sizes), SPF (RFC 7208)
 * and DMARC (RFC 7489 with DMARCbis's DNS tree walk). A pure library: messages in as streams,
 * DNS through the caller's {@link org.postiljon.mailauth.Dns} (DKIM needs only its TXT part,
 * {@link org.postiljon.mailauth.KeyLookup}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Bytes are bytes: header fields are handled as ISO-8859-1 text, so 8-bit octets pass
 *       through canonicalization unchanged and the signed octets are the sent octets.</li>
 *   <li>Nothing a message or a DNS record holds makes a check throw: every defect is a result
 *       ({@code permerror}, {@code fail}, {@code temperror}) with a reason.</li>
 *   <li>A DNS failure is never a {@code fail}: it is {@code temperror}, on which no policy refuses mail.</li>
 *   <li>Every input is bounded: the header section (1 MiB), the number of signatures checked per
 *       message (5), the headers a signature may cover (100); SPF's DNS-querying terms (10), void
 *       lookups (2), names per mx/ptr (10) and time (20 s); DMARC's tree walk (8 queries).</li>
 * </ul>
 */
package org.postiljon.mailauth;
