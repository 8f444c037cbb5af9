package org.postiljon.mime;

/** A Content-Type or Content-Disposition parameter as it appears (RFC 2231 sections not joined). */
public record Param(String name, String value) { }
