package org.postiljon.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The webmail's files, from the jar (plain ES modules, HTML and CSS: no build step). Only names
 * from a fixed alphabet, so no path leads outside the folder; every page under the strict CSP.
 */
final class Static {

    private static final String ROOT = "/org/postiljon/web/static/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json");

    private Static() { }

    static void serve(Request req, Response res, String path) throws IOException {
        String name = path.equals("/") ? "index.html" : path.equals("/admin/") ? "admin/index.html" : path.substring(1);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        InputStream in = name.matches("[a-z0-9-]+(/[a-z0-9-]+)*\\.[a-z]{2,4}") && TYPES.containsKey(ext)
                ? Static.class.getResourceAsStream(ROOT + name) : null;
        if (in == null) {
            WebHandler.json(res, 404, WebHandler.problemJson("about:blank", "not found"));
            return;
        }
        try (in) {
            byte[] bytes = in.readAllBytes();
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.get(ext));
            res.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            res.getHeaders().put("Content-Security-Policy", WebHandler.PAGE_CSP);
            if (req.getMethod().equals("HEAD")) return;
            try (OutputStream out = Content.Sink.asOutputStream(res)) {
                out.write(bytes);
            }
        }
    }
}
