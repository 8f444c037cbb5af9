package org.postiljon.jmap;

/**
 * A request-level error (RFC 8620 §3.6.1): the whole request is refused with an RFC 7807 problem
 * document. {@code status} is the HTTP status to answer with.
 */
public final class RequestError extends RuntimeException {

    public final String type;
    public final int status;

    RequestError(String type, int status, String detail) {
        super(detail, null, false, false);
        this.type = type;
        this.status = status;
    }

    static RequestError notJson(String detail) {
        return new RequestError("urn:ietf:params:jmap:error:notJSON", 400, detail);
    }

    static RequestError notRequest(String detail) {
        return new RequestError("urn:ietf:params:jmap:error:notRequest", 400, detail);
    }

    static RequestError limit(String which, String detail) {
        RequestError e = new RequestError("urn:ietf:params:jmap:error:limit", 400, detail + " (" + which + ")");
        return e;
    }

    static RequestError unknownCapability(String name) {
        return new RequestError("urn:ietf:params:jmap:error:unknownCapability", 400, "unknown capability " + name);
    }
}
