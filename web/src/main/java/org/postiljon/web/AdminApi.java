package org.postiljon.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;

/**
 * The admin REST API behind {@code /admin/api/v1/} (implemented by the server, where the CLI's
 * commands are). The web host signs the caller in (an administrator's webmail session, or an API
 * token over HTTP Basic), counts failures in the shared throttle, and hands over the request.
 */
public interface AdminApi {

    /** The largest request body the API reads. */
    int MAX_BODY = 1024 * 1024;

    /** An answer: status and JSON body (problem details for 4xx/5xx). */
    record Reply(int status, JsonNode body) { }

    /** Whether a signed-in account administers this server. */
    boolean admits(Account account);

    /** The administrator an API token belongs to (an app password of scope admin of an administrator), as the audit log names it. */
    Optional<String> token(String user, char[] secret);

    /** The OpenAPI description (no sign-in needed: it holds no data). */
    JsonNode openApi();

    /**
     * One request, the caller signed in.
     *
     * @param path  below {@code /admin/api/v1}, e.g. {@code /accounts/alice@example.org}
     * @param body  the JSON body, or null
     * @param actor who asks, for the audit log
     */
    Reply handle(String method, String path, Map<String, String> query, JsonNode body, String actor);
}
