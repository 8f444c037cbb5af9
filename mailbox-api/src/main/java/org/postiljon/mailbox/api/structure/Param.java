package org.postiljon.mailbox.api.structure;

/** A Content-Type or Content-Disposition parameter as it appears (RFC 2231 sections not joined). */
public record Param(String name, String value) { }
