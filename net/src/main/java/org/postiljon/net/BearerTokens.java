package org.postiljon.net;

import java.util.Optional;

/**
 * Checks OAuth 2.0 access tokens for the SASL mechanisms OAUTHBEARER (RFC 7628) and XOAUTH2:
 * against an OpenID provider's signing keys (JWKS) or its token introspection (RFC 7662).
 */
public interface BearerTokens {

    /** The address of the account a valid token was issued to; empty for a token that is not (expired, forged, for another audience). */
    Optional<String> subject(String token);

    /** RFC 7628 §3.2.2: what a failed exchange tells the client, as JSON (status, and where the provider is). */
    String failureJson();
}
