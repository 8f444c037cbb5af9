package org.postiljon.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Deque's axe-core (from npm, pinned in src/test/node/package.json and installed by the test
 * command) run in the page as it is: the WCAG 2.x A and AA rules and best practices.
 */
final class Axe {

    static final Path SCRIPT = Path.of("src/test/node/node_modules/axe-core/axe.min.js");

    private Axe() { }

    /** The violations of impact serious or critical, one line each (rule, impact, where); empty when none. */
    static List<String> serious(WebDriver browser) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript(Files.readString(SCRIPT));
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { resultTypes: ['violations'] }).then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe failed', impact: 'critical', nodes: [{target: [String(e)]}]}])));");
        List<String> out = new ArrayList<>();
        for (JsonNode v : WebNode.JSON.readTree(String.valueOf(result))) {
            String impact = v.path("impact").asText();
            if (!impact.equals("serious") && !impact.equals("critical")) continue;
            List<String> where = new ArrayList<>();
            for (JsonNode n : v.path("nodes")) where.add(n.path("target").toString());
            out.add(v.path("id").asText() + " (" + impact + "): " + v.path("help").asText() + " at " + where);
        }
        return out;
    }
}
