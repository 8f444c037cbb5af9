package org.postiljon.mailbox.api;

/** Where an appended message landed: what UIDPLUS APPENDUID reports (RFC 4315 §3). */
public record AppendResult(long uidValidity, long uid, MessageInfo message) { }
