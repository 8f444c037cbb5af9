package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.postiljon.mailbox.api.OutboundQueue;

/**
 * The admin UI in a real headless Chromium against a running node over HTTPS: an administrator
 * signs in, reads the dashboard, adds an account (then signs in with it over IMAP), sets its quota,
 * reads a domain's DNS records and makes a DKIM key, returns a stuck message to its sender (the
 * notice arrives over IMAP), reads the audit lines and removes the account. Screenshots go to
 * target/screenshots (16-20).
 */
class AdminBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @Test
    void anAdministratorRunsTheServerFromTheBrowser(@TempDir Path dir) throws Exception {
        assumeTrue(Chromium.installed(), "Debian's chromium and chromium-driver (installed by the test command)");
        Files.createDirectories(SHOTS);
        try (WebNode web = new WebNode(dir.resolve("node"), Map.of("admin.accounts", WebNode.ALICE, "outbound.smarthost", "127.0.0.1:9"))) {
            ChromeDriver browser = Chromium.start(dir.resolve("chrome"));
            try {
                long stuck = web.node.model().queue().enqueue(WebNode.ALICE, OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of("friend@elsewhere.net")),
                        new ByteArrayInputStream("From: alice@example.test\r\nTo: friend@elsewhere.net\r\nSubject: stuck\r\n\r\nhello\r\n"
                                .getBytes(StandardCharsets.US_ASCII))).id();
                Ui ui = new Ui(browser);
                browser.get(web.secureBase() + "/admin/");

                // bob is no administrator: told so, and nothing of the server is shown
                ui.signIn(WebNode.BOB);
                ui.until("bob is refused", () -> ui.find(By.id("login-error")).getText().contains("is not an administrator"));
                assertTrue(!ui.find(By.id("app")).isDisplayed());
                ui.signIn(WebNode.ALICE);
                WebElement figures = ui.waitFor(By.id("figures"));
                ui.until("the dashboard's figures", () -> figures.getText().contains("Accounts") && figures.getText().contains("Queued for other servers"));
                ui.until("two accounts, one queued message", () -> value(ui, "Accounts").equals("2") && value(ui, "Queued for other servers").equals("1"));
                ui.shot("16-admin-dashboard");
                assertEquals(List.of(), Axe.serious(browser), "axe-core on the admin dashboard");

                // Accounts: add one, it signs in over IMAP; set its quota in the dialog
                ui.find(By.id("tab-accounts")).click();
                WebElement form = ui.waitFor(By.id("account-add"));
                form.findElement(By.name("address")).sendKeys("carol@example.test");
                form.findElement(By.name("password")).sendKeys("carol secret 1");
                form.findElement(By.name("quotaMb")).sendKeys("50");
                form.findElement(By.cssSelector("button[type=submit]")).click();
                ui.until("carol listed", () -> ui.find(By.id("account-list")).getText().contains("carol@example.test"));
                assertTrue(AppPasswordTest.imapLogin(web, "carol@example.test", "carol secret 1").contains("OK"), "the account made in the browser signs in");
                ui.act("open carol's quota dialog", () -> ui.find(By.cssSelector("button[aria-label='Set the quota of carol@example.test']")).click());
                WebElement input = ui.waitFor(By.id("ask-input"));
                input.clear();
                input.sendKeys("25");
                ui.find(By.id("ask-ok")).click();
                ui.until("quota shown as 25 MB", () -> ui.find(By.id("account-list")).getText().contains("25.0 MB"));
                assertEquals(25L * 1024 * 1024, web.node.model().directory().find(org.postiljon.mailbox.api.EmailAddress.parse("carol@example.test"))
                        .orElseThrow().quota().storageBytes().getAsLong());
                ui.shot("17-admin-accounts");

                // Domains: the DNS records, and a DKIM key made here shows among them
                ui.find(By.id("tab-domains")).click();
                ui.act("DNS records", () -> ui.find(By.cssSelector("button[aria-label='DNS records of example.test']")).click());
                ui.until("MX record", () -> ui.find(By.id("dns-list")).getText().contains("10 mail.example.test."));
                ui.act("new DKIM key", () -> ui.find(By.cssSelector("button[aria-label='New DKIM key for example.test']")).click());
                ui.until("DKIM record", () -> ui.find(By.id("dns-list")).getText().contains("._domainkey.example.test.")
                        && ui.find(By.id("dns-list")).getText().contains("v=DKIM1"));
                assertEquals(1, web.node.model().signingKeys().list(org.postiljon.mailbox.api.DomainName.of("example.test")).size());
                ui.shot("18-admin-dns");
                assertEquals(List.of(), Axe.serious(browser), "axe-core on the domains page");

                // Queue: the stuck message is returned; alice gets the failure notice
                ui.find(By.id("tab-queue")).click();
                ui.until("the stuck message", () -> ui.find(By.id("queue-list")).getText().contains("friend@elsewhere.net"));
                ui.shot("19-admin-queue");
                for (int i = 0; ; i++) {
                    ui.act("return it", () -> ui.find(By.cssSelector("button[aria-label='Return message " + stuck + " to its sender']")).click());
                    ui.until("an answer", () -> ui.find(By.id("status")).getText().matches(".*(returned to its sender|try again).*"));
                    if (ui.find(By.id("status")).getText().contains("returned to its sender")) break;
                    // The sender was trying it at that moment and the server said to try again: the operator clicks again.
                    assertTrue(i < 20, ui.find(By.id("status")).getText());
                    Thread.sleep(200);
                }
                ui.until("queue empty", () -> ui.find(By.id("queue-list")).getText().contains("the queue is empty"));
                try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                    imap.command("SELECT INBOX");
                    String notice = String.join("\n", imap.command("FETCH 1 BODY.PEEK[TEXT]"));
                    assertTrue(notice.contains("friend@elsewhere.net") && notice.contains("returned to the sender by the postmaster"), notice);
                }

                // Logs: every change above, with who made it
                ui.find(By.id("tab-logs")).click();
                ui.until("audit lines", () -> ui.find(By.id("log-list")).getText().contains("admin change"));
                assertTrue(ui.find(By.id("log-list")).getText().contains("actor=" + WebNode.ALICE + " (web)"));
                ui.shot("20-admin-logs");

                // Remove carol: only after typing her address
                ui.find(By.id("tab-accounts")).click();
                ui.act("remove carol", () -> ui.find(By.cssSelector("button[aria-label='Remove carol@example.test']")).click());
                ui.waitFor(By.id("ask-input")).sendKeys("carol@example.test");
                ui.find(By.id("ask-ok")).click();
                ui.until("carol gone", () -> !ui.find(By.id("account-list")).getText().contains("carol@example.test"));
                assertTrue(AppPasswordTest.imapLogin(web, "carol@example.test", "carol secret 1").contains("NO"));
            } catch (RuntimeException | Error e) {
                new Ui(browser).shot("admin-failure");
                throw e;
            } finally {
                browser.quit();
            }
        }
    }

    /** The dashboard figure named {@code name}. */
    static String value(Ui ui, String name) {
        for (WebElement f : ui.browser.findElements(By.cssSelector("#figures .figure"))) {
            if (f.findElement(By.className("name")).getText().equals(name)) return f.findElement(By.className("value")).getText();
        }
        return "";
    }

    /** Waiting, finding and screenshots on one browser. */
    record Ui(ChromeDriver browser) {
        WebElement find(By by) {
            return browser.findElement(by);
        }

        WebElement waitFor(By by) {
            return new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class).until(d -> {
                List<WebElement> found = d.findElements(by);
                return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
            });
        }

        void until(String what, java.util.function.BooleanSupplier check) {
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(what).ignoring(StaleElementReferenceException.class)
                    .until(d -> check.getAsBoolean());
        }

        void act(String what, Runnable action) {
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(what).ignoring(StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class).until(d -> {
                        action.run();
                        return true;
                    });
        }

        void signIn(String user) {
            WebElement name = waitFor(By.id("login-user"));
            name.clear();
            name.sendKeys(user);
            find(By.id("login-password")).clear();
            find(By.id("login-password")).sendKeys(WebNode.PASSWORD);
            find(By.cssSelector("#login-form button[type=submit]")).click();
        }

        void shot(String name) throws Exception {
            Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
    }
}
