package org.postiljon.mailbox.api;

/**
 * What a server keeps to verify SCRAM-SHA-256 (RFC 5802 §3, RFC 7677) without the password:
 * the salt, the iteration count, StoredKey and ServerKey.
 */
public record ScramSecret(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) { }
