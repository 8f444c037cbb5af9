/**
 * The Sieve language (RFC 5228 and its extensions): parsed, checked whole, and run over one
 * message as a pure function: a run reads the message through {@link org.postiljon.sieve.Sieve.Message}
 * and answers a list of {@link org.postiljon.sieve.Action}s; the delivery code does them.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A run never throws and never loses the message: any error ends it with the actions dropped
 *       and the implicit keep (RFC 5228 §2.10.6), its header edits and duplicate ids dropped too.</li>
 *   <li>Each keep, fileinto and redirect carries the header edits as they were when it was decided
 *       (RFC 5293); later tests see every edit made before them.</li>
 *   <li>A duplicate id (RFC 7352) is only a {@link org.postiljon.sieve.Action.Track} in the result:
 *       the caller remembers it, so an id is kept only after a run that ended well.</li>
 *   <li>Everything is bounded: script size, nesting, list length, redirects per run, include depth
 *       and count, added header values; {@code :matches} has one backtrack point.</li>
 * </ul>
 */
package org.postiljon.sieve;
