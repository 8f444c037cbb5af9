package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The webmail in a real headless Chromium (Debian's chromium and chromium-driver, never a
 * downloaded driver), against a running node over HTTPS; what it does is checked over IMAP and
 * SMTP. Screenshots go to target/screenshots.
 */
class WebmailBrowserTest {

    @TempDir
    static Path dir;
    static WebNode web;
    static ChromeDriver browser;
    static HttpServer tracker;
    static final AtomicInteger hits = new AtomicInteger();
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Chromium.installed(), "Debian's chromium and chromium-driver (installed by the test command)");
        web = new WebNode(dir.resolve("node"));
        // Stands for a tracker on the Internet: every request it gets is a failure of the sanitiser or the frame.
        tracker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tracker.createContext("/", x -> {
            hits.incrementAndGet();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        tracker.start();
        browser = Chromium.start(dir.resolve("chrome"));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (tracker != null) tracker.stop(0);
        if (web != null) web.close();
    }

    /** Every test starts as a new visitor on a desktop, whatever the one before it left behind (even when it failed half-way). */
    @AfterEach
    void forget() {
        if (browser == null) return;
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));
        if (browser.getCurrentUrl().startsWith("https:")) ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
        browser.manage().deleteAllCookies();
    }

    static void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The list re-renders when a message is read or arrives, so an element found a moment ago may be gone: look again. */
    static WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
        });
    }

    static void until(String what, java.util.function.BooleanSupplier check) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(what).ignoring(StaleElementReferenceException.class).until(d -> check.getAsBoolean());
    }

    /** Does something to elements found afresh each try, until it works without one of them going stale. */
    static void act(String what, Runnable action) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    action.run();
                    return true;
                });
    }

    static void clickRow(String subject) {
        act("click " + subject, () -> row(subject).click());
    }

    static WebElement row(String subject) {
        return waitFor(By.xpath("//tbody[@id='message-list']/tr[td[contains(., '" + subject + "')]]"));
    }

    static WebElement folder(String role) {
        return waitFor(By.cssSelector(".folder[data-role='" + role + "']"));
    }

    static int imapCount(String user, String folder) throws Exception {
        try (ImapProbe imap = new ImapProbe(web.imapPort(), user, WebNode.PASSWORD)) {
            String status = imap.command("STATUS " + folder + " (MESSAGES)").getFirst();
            return Integer.parseInt(status.replaceAll(".*MESSAGES (\\d+).*", "$1"));
        }
    }

    @Test
    void theWebmailAsAUserSeesIt() throws Exception {
        String trackerUrl = "http://127.0.0.1:" + tracker.getAddress().getPort();
        web.deliver(WebNode.ALICE, "From: Carla <carla@remote.example.org>\nTo: alice@example.test\nSubject: Harbour schedule\n\nThe ferry leaves at nine.\n");
        web.deliver(WebNode.ALICE, "From: Mallory <m@remote.example.org>\nTo: alice@example.test\nSubject: Hostile newsletter\n"
                + "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
                + "<p id=hello>Hello <b>reader</b></p><script>fetch('" + trackerUrl + "/script')</script>"
                + "<img src=x onerror=\"fetch('" + trackerUrl + "/onerror')\"><img src=\"" + trackerUrl + "/pixel.png\">"
                + "<a href=\"javascript:fetch('" + trackerUrl + "/js')\">click</a>"
                + "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">claim your prize</a><a href=\" DaTa:text/html,x\">again</a>"
                + "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=inline>\n");
        web.deliver(WebNode.ALICE, "From: Dan <dan@remote.example.org>\nTo: alice@example.test\nSubject: Old invoice\n\nPlease file this.\n");

        browser.manage().deleteAllCookies();
        browser.get(web.secureBase() + "/");
        waitFor(By.id("login-user")).sendKeys(WebNode.ALICE);
        browser.findElement(By.id("login-password")).sendKeys(WebNode.PASSWORD);
        shot("01-login");
        browser.findElement(By.id("login-submit")).click();

        // Read a message.
        clickRow("Harbour schedule");
        until("the reading pane shows the text", () -> browser.findElement(By.id("reader")).getText().contains("The ferry leaves at nine."));
        shot("02-read");

        // A hostile HTML message runs nothing and loads nothing.
        clickRow("Hostile newsletter");
        WebElement frame = waitFor(By.cssSelector("#reader iframe"));
        assertEquals("", frame.getAttribute("sandbox"), "an empty sandbox: no scripts, no same-origin");
        String srcdoc = frame.getAttribute("srcdoc");
        assertFalse(srcdoc.contains("<script") || srcdoc.contains("onerror") || srcdoc.contains("javascript:") || srcdoc.contains("pixel.png"), srcdoc);
        assertFalse(srcdoc.toLowerCase(java.util.Locale.ROOT).contains("data:text"), "no link to a page the sender wrote: " + srcdoc);
        assertTrue(srcdoc.contains("src=\"data:image/gif;base64,"), "inline images stay: " + srcdoc);
        browser.switchTo().frame(frame);
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("Hello reader"), "the harmless part is shown");
        browser.switchTo().defaultContent();
        Thread.sleep(1500);
        shot("03-hostile-html");
        assertEquals(0, hits.get(), "no script ran, no remote image loaded");

        // Quota bar at the bottom left changes after a delivery.
        String before = waitFor(By.id("quota-text")).getText();
        assertTrue(before.matches("[0-9.]+ MB used"), before);
        web.deliver(WebNode.ALICE, "From: big@remote.example.org\nTo: alice@example.test\nSubject: Big one\n\n" + "x".repeat(200_000) + "\n");
        until("the quota bar follows a delivery", () -> !browser.findElement(By.id("quota-text")).getText().equals(before));
        row("Big one"); // live: the list updated without a reload
        shot("04-quota-after-delivery");

        // Compose and send to Bob, who gets it over IMAP.
        browser.findElement(By.id("compose")).click();
        waitFor(By.id("c-to")).sendKeys(WebNode.BOB);
        browser.findElement(By.id("c-subject")).sendKeys("Lunch on Friday");
        browser.findElement(By.id("c-body")).sendKeys("Shall we meet at the harbour?");
        shot("05-compose");
        ((JavascriptExecutor) browser).executeScript("localStorage.setItem('undo-seconds', '0')"); // sent at once (undo send is tested below)
        browser.findElement(By.id("c-send")).click();
        try {
            until("the dialog closes after sending", () -> !browser.findElement(By.id("compose-dialog")).isDisplayed());
        } finally {
            shot("05b-after-send");
        }
        try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.BOB, WebNode.PASSWORD)) {
            imap.command("SELECT INBOX");
            String found = String.join("\n", imap.command("SEARCH SUBJECT \"Lunch on Friday\""));
            assertTrue(found.matches("(?s)\\* SEARCH \\d+.*"), "Bob received it: " + found);
        }
        assertEquals(1, imapCount(WebNode.ALICE, "Sent"), "the sent message is in Sent");

        // Drag and drop into Archive (the page's own drag handlers, driven by DOM drag events).
        act("drag Old invoice to Archive", () -> ((JavascriptExecutor) browser).executeScript("""
                const [src, dst] = arguments; const dt = new DataTransfer();
                src.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
                dst.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
                dst.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));""", row("Old invoice"), folder("archive")));
        until("the message left the list", () -> browser.findElements(By.xpath("//tbody[@id='message-list']/tr[td[contains(., 'Old invoice')]]")).isEmpty());
        assertEquals(1, imapCount(WebNode.ALICE, "Archive"), "IMAP sees it in Archive");

        // Delete to Trash, then empty the Trash after confirming.
        clickRow("Harbour schedule");
        browser.findElement(By.id("delete")).click();
        until("moved to Trash", () -> browser.findElements(By.xpath("//tbody[@id='message-list']/tr[td[contains(., 'Harbour schedule')]]")).isEmpty());
        assertEquals(1, imapCount(WebNode.ALICE, "Trash"));
        act("open Trash", () -> folder("trash").click());
        row("Harbour schedule");
        waitFor(By.id("empty-trash")).click();
        waitFor(By.id("confirm-ok"));
        shot("06-empty-trash-confirm");
        browser.findElement(By.id("confirm-ok")).click();
        until("Trash is empty", () -> browser.findElement(By.id("page-info")).getText().equals("No messages"));
        assertEquals(0, imapCount(WebNode.ALICE, "Trash"));

        // Hide and show the folder pane.
        browser.findElement(By.id("toggle-folders")).click();
        until("folders hidden", () -> !browser.findElement(By.id("folders")).isDisplayed());
        shot("07-folders-hidden");
        browser.findElement(By.id("toggle-folders")).click();
        until("folders shown", () -> browser.findElement(By.id("folders")).isDisplayed());
        shot("08-folders-shown");

        // Phone-sized: still usable, folders start hidden behind the button.
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 800));
        browser.navigate().refresh();
        row("Hostile newsletter");
        shot("09-phone");
        assertEquals(0, hits.get(), "still nothing loaded from the tracker");
    }

    @Test
    void settingsMakeFiltersForwardingAVacationReplyAndTheSpamMode() throws Exception {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));
        var model = web.node.model();
        var carol = org.postiljon.mailbox.api.EmailAddress.parse("carol@example.test");
        if (model.directory().find(carol).isEmpty()) model.directory().addAccount(carol, WebNode.PASSWORD.toCharArray(), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        browser.manage().deleteAllCookies();
        browser.get(web.secureBase() + "/");
        waitFor(By.id("login-user")).sendKeys(WebNode.BOB);
        browser.findElement(By.id("login-password")).sendKeys(WebNode.PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        act("open the settings", () -> waitFor(By.id("open-settings")).click());
        waitFor(By.id("s-spam-mode"));
        new Select(browser.findElement(By.id("s-spam-mode"))).selectByValue("mark");
        browser.findElement(By.id("s-spam-threshold")).clear();
        browser.findElement(By.id("s-spam-threshold")).sendKeys("4");
        browser.findElement(By.id("s-vac-on")).click();
        browser.findElement(By.id("s-vac-subject")).sendKeys("Away");
        browser.findElement(By.id("s-vac-text")).sendKeys("Back on Monday.");
        browser.findElement(By.id("s-fwd-to")).sendKeys("carol@example.test");
        rule("subject", "contains", "[news] \"quoted\"", "move", "News");
        rule("from", "contains", "boss@", "flag", null);
        shot("10-settings");
        browser.findElement(By.id("s-save")).click();
        until("settings saved", () -> !browser.findElement(By.id("settings-dialog")).isDisplayed());

        var bob = model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse(WebNode.BOB)).orElseThrow();
        assertEquals("mark", model.directory().setting(bob, org.postiljon.mailbox.api.AccountSetting.SPAM_MODE));
        assertEquals("4", model.directory().setting(bob, org.postiljon.mailbox.api.AccountSetting.SPAM_THRESHOLD));
        assertTrue(model.vacations().get(bob).enabled());
        assertEquals("Away", model.vacations().get(bob).subject());
        String script = model.sieveScripts().active(bob).orElseThrow();
        assertTrue(script.contains("redirect :copy \"carol@example.test\";"), script);
        assertTrue(script.contains("fileinto :create \"News\"; stop;"), script);

        // The script decides delivery: filed, flagged, forwarded (through the queue), and still kept.
        web.deliver(WebNode.BOB, "From: list@remote.example.org\nTo: bob@example.test\nSubject: [news] \"quoted\" weekly\nPrecedence: list\n\nx\n");
        web.deliver(WebNode.BOB, "From: boss@example.test\nTo: bob@example.test\nSubject: Report\n\nx\n");
        until("filed into News", () -> {
            try {
                return imapCount(WebNode.BOB, "News") == 1;
            } catch (Exception e) {
                return false;
            }
        });
        var inbox = model.messages().list(bob, org.postiljon.mailbox.api.MailboxName.INBOX, org.postiljon.mailbox.api.UidSet.ALL);
        assertTrue(inbox.stream().anyMatch(m -> m.flags().names().contains("\\Flagged")), "the boss's mail is flagged");
        until("both forwarded to carol", () -> {
            try {
                return imapCount("carol@example.test", "INBOX") == 2;
            } catch (Exception e) {
                return false;
            }
        });

        // Opened again, the dialog shows what it saved; with the rules and forwarding gone the script is off.
        act("open the settings again", () -> waitFor(By.id("open-settings")).click());
        until("rules read back", () -> browser.findElement(By.id("settings-dialog")).isDisplayed()
                && browser.findElements(By.cssSelector("#s-rules li")).size() == 2);
        assertEquals("[news] \"quoted\"", browser.findElements(By.cssSelector("#s-rules li input")).getFirst().getAttribute("value"));
        assertEquals("carol@example.test", browser.findElement(By.id("s-fwd-to")).getAttribute("value"));
        assertTrue(browser.findElement(By.id("s-vac-on")).isSelected());
        assertEquals("mark", new Select(browser.findElement(By.id("s-spam-mode"))).getFirstSelectedOption().getAttribute("value"));
        shot("11-settings-again");
        for (WebElement remove : browser.findElements(By.cssSelector("#s-rules li button"))) remove.click();
        browser.findElement(By.id("s-fwd-to")).clear();
        browser.findElement(By.id("s-vac-on")).click();
        browser.findElement(By.id("s-save")).click();
        until("saved again", () -> !browser.findElement(By.id("settings-dialog")).isDisplayed());
        assertTrue(model.sieveScripts().active(bob).isEmpty(), "no rules, no active script");
        assertFalse(model.vacations().get(bob).enabled());

        // An invalid script written by hand is refused with its line, and nothing changes.
        act("open the settings a third time", () -> waitFor(By.id("open-settings")).click());
        waitFor(By.id("s-expert")).click();
        browser.findElement(By.id("s-raw")).click();
        browser.findElement(By.id("s-script")).clear();
        browser.findElement(By.id("s-script")).sendKeys("require \"fileinto\";\nfileinto \"x\"\n");
        browser.findElement(By.id("s-save")).click();
        until("the fault is shown", () -> browser.findElement(By.id("s-error")).getText().contains("line 3"));
        shot("12-settings-invalid-script");
        assertTrue(model.sieveScripts().active(bob).isEmpty());

        // An app password for a phone: shown once, good for IMAP, revoked with a click.
        browser.findElement(By.id("s-app-name")).sendKeys("Phone");
        browser.findElement(By.id("s-app-create")).click();
        String secret = waitFor(By.id("s-app-secret-value")).getText();
        assertTrue(AppPasswordTest.imapLogin(web, WebNode.BOB, secret).contains("OK"), secret);
        until("listed", () -> browser.findElement(By.id("s-apps")).getText().contains("Phone: IMAP, SMTP"));
        shot("13-settings-app-password");
        browser.findElement(By.cssSelector("#s-apps button")).click();
        until("revoked", () -> browser.findElement(By.id("s-apps")).getText().contains("None yet."));
        assertTrue(AppPasswordTest.imapLogin(web, WebNode.BOB, secret).contains("NO"));

        // Two-step sign-in: turned on with a code from an "authenticator" (computed here), then the sign-in asks for one.
        long seconds = System.currentTimeMillis() / 1000;
        if (seconds % 30 > 18) Thread.sleep((31 - seconds % 30) * 1000);
        long step = System.currentTimeMillis() / 1000 / 30;
        browser.findElement(By.id("s-2fa-begin")).click();
        byte[] key = TwoFactorTest.unbase32(waitFor(By.id("s-2fa-secret")).getText().replace(" ", ""));
        browser.findElement(By.id("s-2fa-code")).sendKeys(TwoFactorTest.code(key, step));
        shot("14-settings-two-step");
        browser.findElement(By.id("s-2fa-confirm")).click();
        until("two-step sign-in on", () -> browser.findElement(By.id("s-2fa-state")).getText().startsWith("On"));
        browser.findElement(By.id("s-cancel")).click();
        browser.findElement(By.id("logout")).click();
        waitFor(By.id("login-user")).sendKeys(WebNode.BOB);
        browser.findElement(By.id("login-password")).sendKeys(WebNode.PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        waitFor(By.id("login-code")).sendKeys(TwoFactorTest.code(key, step + 1));
        shot("15-sign-in-code");
        browser.findElement(By.id("login-submit")).click();
        waitFor(By.id("open-settings"));
        assertTrue(AppPasswordTest.imapLogin(web, WebNode.BOB, WebNode.PASSWORD).contains("NO"), "mail programs need app passwords now");
        model.twoFactor().disable(bob); // the other test signs in as Bob over IMAP
    }

    /** Adds a filter rule in the settings dialog. */
    /** Adds an account (for a test of its own, apart from the others' mail and settings). */
    static void account(String address) {
        var a = org.postiljon.mailbox.api.EmailAddress.parse(address);
        var d = web.node.model().directory();
        if (d.find(a).isEmpty()) d.addAccount(a, WebNode.PASSWORD.toCharArray(), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
    }

    static void signIn(String user) {
        browser.manage().deleteAllCookies();
        browser.get(web.secureBase() + "/");
        waitFor(By.id("login-user")).sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(WebNode.PASSWORD);
        browser.findElement(By.id("login-submit")).click();
    }

    static int imapCountOf(String user, String folder) {
        try {
            return imapCount(user, folder);
        } catch (Exception e) {
            return -1;
        }
    }

    static String editorHtml() {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('c-html').innerHTML");
    }

    @Test
    void composeWithIdentitiesSignaturesFormattingAutosavedDraftsAndDroppedFiles() throws Exception {
        String fia = "fia@example.test";
        account(fia);
        var directory = web.node.model().directory();
        directory.addAlias(new org.postiljon.mailbox.api.AliasSource("help", org.postiljon.mailbox.api.DomainName.of("example.test")),
                org.postiljon.mailbox.api.EmailAddress.parse(fia));
        signIn(fia);
        waitFor(By.id("open-settings"));
        ((JavascriptExecutor) browser).executeScript("localStorage.setItem('undo-seconds', '0'); localStorage.setItem('autosave-seconds', '1')");

        // Identities: her own gets a name and a signature; one for an address she may not use is refused; the alias is fine
        act("open the settings", () -> browser.findElement(By.id("open-settings")).click());
        WebElement own = waitFor(By.cssSelector("#s-identities li"));
        own.findElement(By.cssSelector("input[aria-label=Name]")).sendKeys("Fia Ek");
        own.findElement(By.cssSelector("textarea")).sendKeys("Fia Ek\nHarbour office");
        browser.findElement(By.id("s-add-identity")).click();
        WebElement stranger = browser.findElements(By.cssSelector("#s-identities li")).getLast();
        stranger.findElement(By.cssSelector("input[aria-label=Address]")).sendKeys("ceo@example.test");
        browser.findElement(By.id("s-save")).click();
        until("refused", () -> browser.findElement(By.id("s-error")).getText().contains("you may not send as ceo@example.test"));
        stranger.findElement(By.cssSelector("button.remove")).click();
        browser.findElement(By.id("s-add-identity")).click();
        WebElement help = browser.findElements(By.cssSelector("#s-identities li")).getLast();
        help.findElement(By.cssSelector("input[aria-label=Name]")).sendKeys("Harbour help");
        help.findElement(By.cssSelector("input[aria-label=Address]")).sendKeys("help@example.test");
        help.findElement(By.cssSelector("textarea")).sendKeys("The help desk");
        noSeriousAccessibilityProblems("the identities");
        shot("30-settings-identities");
        browser.findElement(By.id("s-save")).click();
        until("saved", () -> !browser.findElement(By.id("settings-dialog")).isDisplayed());

        // A new message carries the signature; choosing the other identity swaps it
        act("compose", () -> browser.findElement(By.id("compose")).click());
        until("signed", () -> browser.findElement(By.id("c-body")).getAttribute("value").equals("\n\n-- \nFia Ek\nHarbour office"));
        new Select(browser.findElement(By.id("c-from"))).selectByVisibleText("Harbour help <help@example.test>");
        assertEquals("\n\n-- \nThe help desk", browser.findElement(By.id("c-body")).getAttribute("value"));
        browser.findElement(By.id("c-to")).sendKeys(WebNode.BOB);
        browser.findElement(By.id("c-subject")).sendKeys("Ferry times");

        // Formatting: the toolbar's bold, and a hostile paste, which leaves the browser cleaned
        browser.findElement(By.id("c-format")).click();
        WebElement editor = waitFor(By.id("c-html"));
        until("the signature in the editor", () -> editorHtml().contains("The help desk"));
        ((JavascriptExecutor) browser).executeScript("const e = document.getElementById('c-html'); e.focus();"
                + "const r = document.createRange(); r.setStart(e.firstChild, 0); r.collapse(true); getSelection().removeAllRanges(); getSelection().addRange(r);");
        editor.sendKeys("The boats run ");
        browser.findElement(By.cssSelector("#c-tools button[data-command=bold]")).click();
        editor.sendKeys("every hour");
        browser.findElement(By.cssSelector("#c-tools button[data-command=bold]")).click();
        editor.sendKeys(". ");
        ((JavascriptExecutor) browser).executeScript("document.execCommand('insertHTML', false, arguments[0])",
                "<img src=x onerror=\"window.pwned=1\"><a href=\"javascript:window.pwned=2\">prize</a> <a href=\"https://example.org/t\" style=\"color:red\" onclick=\"x()\">timetable</a>"
                        + "<span style=\"font-size:40px\">.</span>");

        // A file dropped on the window is attached, its size shown against the limit
        ((JavascriptExecutor) browser).executeScript("const t = new DataTransfer(); t.items.add(new File([new Uint8Array(3000)], 'timetable.txt', {type: 'text/plain'}));"
                + "document.getElementById('compose-dialog').dispatchEvent(new DragEvent('drop', {dataTransfer: t, bubbles: true, cancelable: true}));");
        until("attached", () -> browser.findElement(By.id("c-attached")).getText().contains("timetable.txt (3 KB)"));
        assertTrue(browser.findElement(By.id("c-size")).getText().matches("Attachments: 3 KB of [0-9.]+ MB"), browser.findElement(By.id("c-size")).getText());

        // Saved on its own a moment later, one draft however often
        until("autosaved", () -> browser.findElement(By.id("c-saved")).getText().startsWith("Draft saved at"));
        until("one draft", () -> imapCountOf(fia, "Drafts") == 1);
        browser.findElement(By.id("c-subject")).sendKeys(" and fares");
        until("saved again", () -> {
            try (ImapProbe imap = new ImapProbe(web.imapPort(), fia, WebNode.PASSWORD)) {
                imap.command("SELECT Drafts");
                return String.join("\n", imap.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")).contains("Ferry times and fares");
            } catch (Exception | AssertionError e) {
                return false; // not yet; or an autosave replaced the draft during the FETCH (NO [EXPUNGEISSUED], RFC 9051 §7.1)
            }
        });
        until("the draft replaced, not another", () -> imapCountOf(fia, "Drafts") == 1);
        shot("31-compose-formatting");
        browser.findElement(By.id("c-cancel")).click();

        // Back from Drafts into the editor as it was, then sent
        act("Drafts", () -> folder("drafts").click());
        clickRow("Ferry times");
        act("edit the draft", () -> waitFor(By.cssSelector("#reader .edit-draft")).click());
        until("the editor again", () -> browser.findElement(By.id("c-html")).isDisplayed() && editorHtml().contains("<b>every hour</b>"));
        assertEquals("Harbour help <help@example.test>", new Select(browser.findElement(By.id("c-from"))).getFirstSelectedOption().getText());
        assertTrue(browser.findElement(By.id("c-attached")).getText().contains("timetable.txt"));
        browser.findElement(By.id("c-send")).click();
        until("delivered to bob", () -> {
            try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.BOB, WebNode.PASSWORD)) {
                imap.command("SELECT INBOX");
                return String.join("\n", imap.command("SEARCH SUBJECT \"Ferry times\"")).matches("(?s).*SEARCH \\d+.*");
            } catch (Exception e) {
                return false;
            }
        });
        until("the draft gone", () -> imapCountOf(fia, "Drafts") == 0);
        assertEquals(null, ((JavascriptExecutor) browser).executeScript("return window.pwned ?? null"), "nothing pasted ran");
        try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.BOB, WebNode.PASSWORD)) {
            imap.command("SELECT INBOX");
            String n = imap.command("SEARCH SUBJECT \"Ferry times\"").getFirst().replaceAll("\\D+", " ").trim();
            String header = String.join("\n", imap.command("FETCH " + n + " (BODY.PEEK[HEADER])"));
            assertTrue(header.contains("From: Harbour help <help@example.test>"), header);
            String text = String.join("\n", imap.command("FETCH " + n + " (BINARY.PEEK[1.1])")).replace("\r", "");
            assertTrue(text.contains("The boats run every hour. prize timetable") && text.contains("-- \nThe help desk"), text);
            String html = String.join("\n", imap.command("FETCH " + n + " (BINARY.PEEK[1.2])"));
            assertTrue(html.contains("The boats run <b>every hour</b>") && html.contains("<a href=\"https://example.org/t\">timetable</a>"), html);
            for (String bad : List.of("onerror", "javascript:", "onclick", "style", "<span", "<img", "pwned")) assertFalse(html.contains(bad), bad + " in " + html);
            String structure = String.join("\n", imap.command("FETCH " + n + " (BODYSTRUCTURE)")).toLowerCase(java.util.Locale.ROOT);
            assertTrue(structure.contains("\"alternative\"") && structure.contains("timetable.txt"), structure);
        }

        // Storage details: what each folder takes, the sent message (with its 3 KB file) the largest
        act("open the settings", () -> browser.findElement(By.id("open-settings")).click());
        until("the sizes", () -> browser.findElements(By.cssSelector("#s-storage tbody tr")).size() == 6);
        WebElement first = browser.findElement(By.cssSelector("#s-storage tbody tr"));
        assertEquals("sent", first.getAttribute("data-role"));
        assertTrue(first.getText().matches("Sent 1 [4-9] KB"), first.getText());
        assertTrue(browser.findElement(By.id("s-storage-total")).getText().matches("[4-9] KB used"), browser.findElement(By.id("s-storage-total")).getText());
        browser.findElement(By.id("s-cancel")).click();
    }

    static void browserLanguages(String acceptLanguage) {
        String agent = (String) ((JavascriptExecutor) browser).executeScript("return navigator.userAgent");
        browser.executeCdpCommand("Emulation.setUserAgentOverride", java.util.Map.of("userAgent", agent, "acceptLanguage", acceptLanguage));
    }

    @Test
    void germanFromTheBrowserSwedishChosenInSettings() throws Exception {
        String gus = "gus@example.test";
        account(gus);
        web.deliver(gus, "From: Anna <anna@remote.example.org>\nTo: gus@example.test\nSubject: Hallo\n\nWie geht's?\n");
        browserLanguages("de-DE,de;q=0.9,en;q=0.5");
        try {
            browser.manage().deleteAllCookies();
            browser.get(web.secureBase() + "/");
            until("the sign-in page in German", () -> browser.findElement(By.id("login-submit")).getText().equals("Anmelden"));
            assertEquals("de", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Passwort", browser.findElement(By.cssSelector("label[for=login-password]")).getText());
            browser.findElement(By.id("login-user")).sendKeys(gus);
            browser.findElement(By.id("login-password")).sendKeys(WebNode.PASSWORD);
            browser.findElement(By.id("login-submit")).click();
            row("Hallo");
            assertEquals("Posteingang", browser.findElement(By.id("folder-title")).getText());
            assertEquals("Posteingang", folder("inbox").findElement(By.cssSelector(".name")).getText());
            assertEquals("Gesendet", folder("sent").findElement(By.cssSelector(".name")).getText());
            assertEquals("Neu", browser.findElement(By.cssSelector("#compose .label")).getText());
            clickRow("Hallo");
            until("the reader in German", () -> browser.findElement(By.id("reader")).getText().contains("Allen antworten"));
            assertTrue(browser.findElement(By.id("reader")).getText().matches("(?s).*Datum: \\d{1,2}\\.\\d{1,2}\\.\\d{4}, \\d{2}:\\d{2}:\\d{2}.*"),
                    "a German date: " + browser.findElement(By.id("reader")).getText());
            noSeriousAccessibilityProblems("the German page");
            shot("32-german");

            // Chosen in Settings: Swedish, whatever the browser says, until chosen otherwise
            act("settings", () -> browser.findElement(By.id("open-settings")).click());
            new Select(waitFor(By.id("s-lang"))).selectByValue("sv");
            browser.findElement(By.id("s-save")).click();
            until("the page again, in Swedish", () -> browser.findElements(By.cssSelector(".folder[data-role=inbox] .name")).stream()
                    .anyMatch(e -> e.getText().equals("Inkorg")));
            assertEquals("sv", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Skickat", folder("sent").findElement(By.cssSelector(".name")).getText());
            act("compose", () -> browser.findElement(By.id("compose")).click());
            until("the compose window in Swedish", () -> browser.findElement(By.id("compose-title")).getText().equals("Nytt meddelande")
                    && browser.findElement(By.id("c-send")).getText().equals("Skicka"));
            browser.findElement(By.id("c-send")).click();
            until("asked in Swedish", () -> browser.findElement(By.id("c-error")).getText().equals("Vem är det till?"));
            noSeriousAccessibilityProblems("the Swedish compose window");
            shot("33-swedish-compose");
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            until("the compose window within a phone's width", () -> browser.findElement(By.id("compose-dialog")).getRect().getWidth() <= 390
                    && browser.findElement(By.id("c-send")).isDisplayed());
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript(
                    "const d = document.getElementById('compose-dialog'); return d.scrollWidth <= d.clientWidth"), "nothing sticks out sideways");
            ((JavascriptExecutor) browser).executeScript("document.getElementById('compose-dialog').scrollTop = 0");
            noSeriousAccessibilityProblems("the compose window on a phone");
            shot("34-phone-compose");
            browser.findElement(By.id("c-cancel")).click();
            act("settings on the phone", () -> browser.findElement(By.id("open-settings")).click());
            until("the settings fill the phone's screen", () -> browser.findElement(By.id("settings-dialog")).isDisplayed()
                    && browser.findElement(By.id("settings-dialog")).getRect().getWidth() <= 390);
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript(
                    "const d = document.getElementById('settings-dialog'); return d.scrollWidth <= d.clientWidth"), "nothing sticks out sideways");
            noSeriousAccessibilityProblems("the settings on a phone");
            shot("35-phone-settings");
        } finally {
            browserLanguages("en-US,en");
        }
    }

    static void noSeriousAccessibilityProblems(String where) throws Exception {
        List<String> problems = Axe.serious(browser);
        assertEquals(List.of(), problems, "axe-core on " + where);
    }

    @Test
    void theListAtAnyWidthSearchOperatorsBccDarkModeAndAPhone() throws Exception {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 850));
        account("dora@example.test");
        account("erik@example.test");
        String dora = "dora@example.test";
        web.deliver(dora, "From: Anna Berg <anna@remote.example.org>\nTo: dora@example.test\nSubject: Quarterly report\nMessage-ID: <q1@remote>\n"
                + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nThe figures for the third quarter are in.\n"
                + "--b\nContent-Type: application/pdf; name=q3.pdf\nContent-Disposition: attachment; filename=q3.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n");
        web.deliver(dora, "From: Anna Berg <anna@remote.example.org>\nTo: dora@example.test\nSubject: Re: Quarterly report\nMessage-ID: <q2@remote>\n"
                + "In-Reply-To: <q1@remote>\nReferences: <q1@remote>\n\nOne more table, sorry.\n");
        web.deliver(dora, "From: Bo Lind <bo@remote.example.org>\nTo: dora@example.test\nSubject: Lunch on Friday\n\nShall we try the new place by the river?\n");
        signIn(dora);

        // Conversations (the default): Anna's two messages are one row, marked 2; opened, both show, the older folded.
        until("the list shows names and previews", () -> browser.findElement(By.id("message-list")).getText().contains("Anna Berg"));
        until("two rows: the conversation and Bo's", () -> browser.findElements(By.cssSelector("#message-list tr")).size() == 2);
        String list = browser.findElement(By.id("message-list")).getText();
        assertFalse(list.contains("<anna@"), "a name, not Name <address>: " + list);
        assertTrue(list.contains("Lunch on Friday") && list.contains("Shall we try the new place"), "subject and preview: " + list);
        // The list re-renders as mail arrives and is read: each look finds the row afresh.
        until("two messages in the conversation", () -> row("One more table").findElement(By.className("thread")).getText().equals("2"));
        noSeriousAccessibilityProblems("the message list");
        shot("21-list");
        clickRow("One more table");
        until("the conversation", () -> browser.findElements(By.cssSelector("#reader details.conv")).size() == 2);
        assertTrue(browser.findElements(By.cssSelector("#reader details.conv")).stream().allMatch(d -> "true".equals(d.getAttribute("open"))),
                "both were unread: both open");
        clickRow("One more table"); // again, now that they are read
        until("the older one folded, the newest open", () -> {
            List<WebElement> conv = browser.findElements(By.cssSelector("#reader details.conv"));
            return conv.size() == 2 && conv.get(0).getAttribute("open") == null && "true".equals(conv.get(1).getAttribute("open"));
        });
        act("unfold the first", () -> browser.findElements(By.cssSelector("#reader details.conv summary")).getFirst().click());
        until("both read", () -> browser.findElement(By.id("reader")).getText().contains("The figures for the third quarter are in."));
        assertTrue(browser.findElement(By.id("reader")).getText().contains("q3.pdf"), "the attachment of the first");
        noSeriousAccessibilityProblems("a conversation");
        shot("21b-conversation");

        // One row per message when the user prefers it
        act("conversations off", () -> browser.findElement(By.id("conversations")).click());
        until("three rows", () -> browser.findElements(By.cssSelector("#message-list tr")).size() == 3);
        assertEquals("false", browser.findElement(By.id("conversations")).getAttribute("aria-pressed"));
        assertEquals(1, browser.findElements(By.cssSelector("#message-list svg[aria-label='has attachments']")).size(), "the attachment mark, as an SVG");

        // Search with operators, across folders
        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys("from:anna subject:report after:2020-01-01", org.openqa.selenium.Keys.ENTER);
        until("two results", () -> browser.findElement(By.id("page-info")).getText().equals("1–2 of 2"));
        assertFalse(browser.findElement(By.id("message-list")).getText().contains("Lunch"));
        search.clear();
        search.sendKeys("river in:Inbox", org.openqa.selenium.Keys.ENTER);
        until("one result", () -> browser.findElement(By.id("page-info")).getText().equals("1–1 of 1"));
        search.clear();
        search.sendKeys("in:Nowhere", org.openqa.selenium.Keys.ENTER);
        until("a clear word about a folder that is not there", () -> browser.findElement(By.id("status")).getText().contains("No folder called Nowhere"));
        search.clear();
        search.sendKeys("has:attachment", org.openqa.selenium.Keys.ENTER);
        until("the one with the PDF", () -> browser.findElement(By.id("page-info")).getText().equals("1–1 of 1")
                && browser.findElement(By.id("message-list")).getText().contains("Quarterly report"));
        search.clear();
        search.sendKeys(org.openqa.selenium.Keys.ENTER);

        // The splitter gives the list more room, by keyboard and by dragging, and the browser remembers it
        WebElement splitter = browser.findElement(By.id("splitter"));
        int before = browser.findElement(By.cssSelector(".list-pane")).getRect().getWidth();
        splitter.sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT, org.openqa.selenium.Keys.ARROW_RIGHT);
        assertEquals("55", splitter.getAttribute("aria-valuenow"));
        int wider = browser.findElement(By.cssSelector(".list-pane")).getRect().getWidth();
        assertTrue(wider > before + 100, "the list wider: " + before + " -> " + wider);
        new org.openqa.selenium.interactions.Actions(browser).dragAndDropBy(splitter, -300, 0).perform();
        int narrower = browser.findElement(By.cssSelector(".list-pane")).getRect().getWidth();
        assertTrue(narrower < wider - 250, "dragged 300 px to the left: " + wider + " -> " + narrower);
        browser.navigate().refresh();
        until("the same size after a reload", () -> Math.abs(browser.findElement(By.cssSelector(".list-pane")).getRect().getWidth() - narrower) < 3);

        // The reading pane: below the list, then off (the message in the list's place), then back to the right
        WebElement pane = browser.findElement(By.id("pane"));
        act("reading pane below", pane::click);
        assertEquals("Reading pane: below", pane.getText());
        clickRow("Lunch");
        until("the message below the list", () -> {
            org.openqa.selenium.Rectangle listBox = browser.findElement(By.cssSelector(".list-pane")).getRect();
            org.openqa.selenium.Rectangle readerBox = browser.findElement(By.id("reader")).getRect();
            return browser.findElement(By.id("reader")).getText().contains("Lunch") && readerBox.getY() >= listBox.getY() + listBox.getHeight() - 1
                    && readerBox.getWidth() >= listBox.getWidth() - 1;
        });
        noSeriousAccessibilityProblems("the reading pane below");
        shot("27-reading-pane-below");
        act("reading pane off", pane::click);
        assertEquals("Reading pane: off", pane.getText());
        until("the list alone", () -> !browser.findElement(By.id("reader")).isDisplayed() && browser.findElement(By.cssSelector(".list-pane")).isDisplayed());
        clickRow("Lunch");
        until("the message in the list's place", () -> browser.findElement(By.id("reader")).isDisplayed()
                && !browser.findElement(By.cssSelector(".list-pane")).isDisplayed());
        act("back to the list", () -> browser.findElement(By.cssSelector("#reader .back")).click());
        until("the list again", () -> browser.findElement(By.cssSelector(".list-pane")).isDisplayed() && !browser.findElement(By.id("reader")).isDisplayed());
        act("reading pane right", pane::click);
        assertEquals("Reading pane: right", pane.getText());
        until("beside the list again", () -> browser.findElement(By.id("reader")).isDisplayed() && browser.findElement(By.cssSelector(".list-pane")).isDisplayed());

        // Bcc: erik gets it, bob does not see him, dora's Sent copy remembers him
        act("compose", () -> browser.findElement(By.id("compose")).click());
        waitFor(By.id("c-to")).sendKeys("bob@example.test");
        browser.findElement(By.id("c-bcc")).sendKeys("erik@example.test");
        browser.findElement(By.id("c-subject")).sendKeys("Seating plan");
        browser.findElement(By.id("c-body")).sendKeys("See you there.");
        // Undo send: within the delay, Undo brings the message back and nothing goes out
        ((JavascriptExecutor) browser).executeScript("localStorage.setItem('undo-seconds', '2')");
        browser.findElement(By.id("c-send")).click();
        until("the undo bar", () -> browser.findElement(By.id("undo-bar")).isDisplayed()
                && browser.findElement(By.id("undo-text")).getText().startsWith("Sending in"));
        shot("26-undo-send");
        browser.findElement(By.id("undo")).click();
        until("back in the editor", () -> browser.findElement(By.id("compose-dialog")).isDisplayed());
        assertEquals("Seating plan", browser.findElement(By.id("c-subject")).getAttribute("value"));
        Thread.sleep(3000);
        assertEquals(0, imapCount("erik@example.test", "INBOX"), "undone: nothing sent");
        browser.findElement(By.id("c-send")).click();
        until("sent", () -> browser.findElement(By.id("status")).getText().equals("Sent"));
        until("erik has it", () -> {
            try {
                return imapCount("erik@example.test", "INBOX") == 1;
            } catch (Exception e) {
                return false;
            }
        });
        try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.BOB, WebNode.PASSWORD)) {
            imap.command("SELECT INBOX");
            String header = String.join("\n", imap.command("UID FETCH 1:* (BODY.PEEK[HEADER])"));
            assertTrue(header.contains("Seating plan") && !header.toLowerCase(java.util.Locale.ROOT).contains("erik"), "no Bcc for bob: " + header);
        }
        try (ImapProbe imap = new ImapProbe(web.imapPort(), dora, WebNode.PASSWORD)) {
            imap.command("SELECT Sent");
            assertTrue(String.join("\n", imap.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (BCC)])")).contains("erik@example.test"), "the sender's copy keeps it");
        }

        // Dark mode, chosen, with enough contrast
        act("theme: light", () -> browser.findElement(By.id("theme")).click());
        act("theme: dark", () -> browser.findElement(By.id("theme")).click());
        until("dark", () -> browser.findElement(By.id("theme-label")).getAttribute("textContent").equals("Theme: dark"));
        assertEquals("rgba(22, 24, 28, 1)", browser.findElement(By.tagName("body")).getCssValue("background-color"));
        clickRow("Lunch on Friday");
        until("read", () -> browser.findElement(By.id("reader")).getText().contains("new place by the river"));
        noSeriousAccessibilityProblems("the dark theme");
        shot("22-dark");
        act("theme: auto", () -> browser.findElement(By.id("theme")).click());

        // A phone: one pane at a time, the folders a drawer
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.navigate().refresh();
        row("Lunch on Friday");
        assertFalse(browser.findElement(By.id("folders")).isDisplayed(), "the drawer starts closed");
        assertFalse(browser.findElement(By.id("reader")).isDisplayed(), "no reading pane beside the list");
        shot("23-phone-list");
        noSeriousAccessibilityProblems("the phone's list");
        clickRow("Lunch on Friday");
        until("the message fills the screen", () -> browser.findElement(By.id("reader")).isDisplayed()
                && !browser.findElement(By.id("message-list")).isDisplayed());
        shot("24-phone-read");
        act("back", () -> browser.findElement(By.cssSelector("#reader .back")).click());
        until("the list again", () -> browser.findElement(By.id("message-list")).isDisplayed());
        act("open the drawer", () -> browser.findElement(By.id("toggle-folders")).click());
        until("folders shown", () -> browser.findElement(By.id("folders")).isDisplayed());
        shot("25-phone-folders");
        act("choose Sent", () -> folder("sent").click());
        until("the drawer closes on a choice", () -> !browser.findElement(By.id("folders")).isDisplayed());
        assertTrue(browser.findElement(By.id("message-list")).getText().contains("Seating plan"));
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));

        // Conversations on again: deleting the conversation's row moves both its messages to Trash
        act("Inbox", () -> folder("inbox").click());
        act("conversations on", () -> browser.findElement(By.id("conversations")).click());
        until("two rows", () -> browser.findElements(By.cssSelector("#message-list tr")).size() == 2);
        act("select the conversation", () -> row("One more table").findElement(By.cssSelector("input[type=checkbox]")).click());
        browser.findElement(By.id("delete")).click();
        until("both in Trash", () -> {
            try {
                return imapCount(dora, "Trash") == 2 && imapCount(dora, "INBOX") == 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static void rule(String field, String op, String value, String action, String target) {
        browser.findElement(By.id("s-add-rule")).click();
        WebElement li = browser.findElements(By.cssSelector("#s-rules li")).getLast();
        List<WebElement> selects = li.findElements(By.tagName("select"));
        new Select(selects.get(0)).selectByValue(field);
        new Select(selects.get(1)).selectByValue(op);
        new Select(selects.get(2)).selectByValue(action);
        List<WebElement> inputs = li.findElements(By.tagName("input"));
        inputs.get(0).sendKeys(value);
        if (target != null) inputs.get(1).sendKeys(target);
    }
}
