package org.postiljon.web;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers to ACME HTTP-01 challenges (RFC 8555 §8.3) this node is waiting to be asked for:
 * the CA fetches {@code http://HOST/.well-known/acme-challenge/TOKEN} and must get the key
 * authorisation. Put while an order is being validated, removed after.
 */
public final class AcmeChallenges {

    /** The path prefix the CA asks under. */
    public static final String PATH = "/.well-known/acme-challenge/";

    private final Map<String, String> answers = new ConcurrentHashMap<>();

    public void put(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    public void remove(String token) {
        answers.remove(token);
    }

    /** The answer for a token; empty for any other (a token is base64url: RFC 8555 §8.3). */
    Optional<String> answer(String token) {
        return token.matches("[A-Za-z0-9_-]{1,256}") ? Optional.ofNullable(answers.get(token)) : Optional.empty();
    }
}
