package org.postiljon.mailbox.api;

import java.util.List;

/** UIDs of a COPY or MOVE, source and destination in the same order (RFC 4315 §3 COPYUID). */
public record CopyResult(long destinationUidValidity, List<Long> sourceUids, List<Long> destinationUids) { }
