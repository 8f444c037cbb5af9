package org.postiljon.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What a mail program needs to set itself up from an address alone, in the three forms programs
 * ask for: Thunderbird's autoconfig (also read by K-9/Thunderbird for Android, Evolution, KMail),
 * Outlook's autodiscover (POX, also read by many phones' mail apps) and an Apple configuration
 * profile for iPhone, iPad and macOS Mail. Each names the implicit-TLS services first, then the
 * STARTTLS ones, with the whole address as the user name; a service whose listener is off is left
 * out. Every value taken from a request is escaped where it is written.
 *
 * <p>Besides: the MTA-STS policy other mail servers fetch from the domain's {@code mta-sts} host (RFC 8461 §3.3).
 *
 * @param hostname    the name clients connect to (the node's {@code hostname})
 * @param imaps       port, or 0 when off; likewise the others
 * @param mtaSts      the MTA-STS policy served for every local domain; empty when none is
 */
public record ClientSetup(String hostname, int imaps, int imap, int pop3s, int pop3, int submissions, int submission, String mtaSts) {

    /**
     * The id of the served MTA-STS policy, for the domains' {@code _mta-sts} TXT records (RFC 8461
     * §3.1): from the policy's hash, so it changes when the policy does and senders fetch it again.
     */
    public String mtaStsId() {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(mtaSts.getBytes(StandardCharsets.UTF_8))).substring(0, 20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Largest autodiscover request read (they are a few hundred bytes). */
    static final int MAX_REQUEST = 16 * 1024;

    /** Thunderbird's clientConfig v1.1 for a domain, and an address when the program gave one. */
    String thunderbird(String domain) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n");
        b.append("  <emailProvider id=\"").append(xml(domain)).append("\">\n");
        b.append("    <domain>").append(xml(domain)).append("</domain>\n");
        b.append("    <displayName>").append(xml(domain)).append(" mail</displayName>\n");
        b.append("    <displayShortName>").append(xml(domain)).append("</displayShortName>\n");
        incoming(b, "imap", imaps, "SSL");
        incoming(b, "imap", imap, "STARTTLS");
        incoming(b, "pop3", pop3s, "SSL");
        incoming(b, "pop3", pop3, "STARTTLS");
        outgoing(b, submissions, "SSL");
        outgoing(b, submission, "STARTTLS");
        b.append("  </emailProvider>\n</clientConfig>\n");
        return b.toString();
    }

    private void incoming(StringBuilder b, String type, int port, String socket) {
        if (port == 0) return;
        b.append("    <incomingServer type=\"").append(type).append("\">\n");
        server(b, port, socket);
        b.append("    </incomingServer>\n");
    }

    private void outgoing(StringBuilder b, int port, String socket) {
        if (port == 0) return;
        b.append("    <outgoingServer type=\"smtp\">\n");
        server(b, port, socket);
        b.append("    </outgoingServer>\n");
    }

    private void server(StringBuilder b, int port, String socket) {
        b.append("      <hostname>").append(xml(hostname)).append("</hostname>\n");
        b.append("      <port>").append(port).append("</port>\n");
        b.append("      <socketType>").append(socket).append("</socketType>\n");
        b.append("      <authentication>password-cleartext</authentication>\n"); // inside TLS
        b.append("      <username>%EMAILADDRESS%</username>\n");
    }

    /** Outlook's autodiscover response (POX, "outlook" response schema) for an address. */
    String autodiscover(EmailAddress address) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        b.append("<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n");
        b.append("  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n");
        b.append("    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n");
        protocol(b, "IMAP", imaps != 0 ? imaps : imap, imaps != 0, address);
        if (imaps == 0 && imap == 0) protocol(b, "POP3", pop3s != 0 ? pop3s : pop3, pop3s != 0, address);
        protocol(b, "SMTP", submissions != 0 ? submissions : submission, submissions != 0, address);
        b.append("    </Account>\n  </Response>\n</Autodiscover>\n");
        return b.toString();
    }

    private void protocol(StringBuilder b, String type, int port, boolean implicitTls, EmailAddress address) {
        if (port == 0) return;
        b.append("      <Protocol>\n");
        b.append("        <Type>").append(type).append("</Type>\n");
        b.append("        <Server>").append(xml(hostname)).append("</Server>\n");
        b.append("        <Port>").append(port).append("</Port>\n");
        b.append("        <LoginName>").append(xml(address.toString())).append("</LoginName>\n");
        b.append("        <DomainRequired>off</DomainRequired>\n        <SPA>off</SPA>\n");
        // SSL on: TLS from the first byte; Encryption TLS: STARTTLS (both "on" as far as old clients know).
        b.append(implicitTls ? "        <SSL>on</SSL>\n" : "        <SSL>on</SSL>\n        <Encryption>TLS</Encryption>\n");
        b.append("        <AuthRequired>on</AuthRequired>\n");
        if (type.equals("SMTP")) b.append("        <UsePOPAuth>off</UsePOPAuth>\n        <SMPAuth>on</SMPAuth>\n");
        b.append("      </Protocol>\n");
    }

    /**
     * The address an autodiscover request asks about ({@code Request/EMailAddress}); empty when
     * the body is not such a request. The body is read as XML with document type declarations
     * refused, so no entity is ever expanded or fetched.
     */
    static Optional<EmailAddress> autodiscoverAddress(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(true);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            NodeList found = builder.parse(new ByteArrayInputStream(body)).getElementsByTagNameNS("*", "EMailAddress");
            if (found.getLength() != 1) return Optional.empty();
            return Optional.of(EmailAddress.parse(found.item(0).getTextContent().strip()));
        } catch (ParserConfigurationException | SAXException | IOException | IllegalArgumentException | MailboxException e) {
            return Optional.empty();
        }
    }

    /**
     * An unsigned Apple configuration profile with one mail account (payload
     * {@code com.apple.mail.managed}): IMAP and SMTP over implicit TLS where they listen, else
     * STARTTLS. The device asks for the password when the profile is installed.
     */
    byte[] appleProfile(EmailAddress address) {
        String domain = address.domain().toString();
        boolean imapTls = imaps != 0;
        boolean smtpTls = submissions != 0;
        String reverse = reverse(hostname);
        String account = """
                    <dict>
                      <key>EmailAccountDescription</key><string>%1$s</string>
                      <key>EmailAccountName</key><string>%1$s</string>
                      <key>EmailAccountType</key><string>EmailTypeIMAP</string>
                      <key>EmailAddress</key><string>%1$s</string>
                      <key>IncomingMailServerAuthentication</key><string>EmailAuthPassword</string>
                      <key>IncomingMailServerHostName</key><string>%2$s</string>
                      <key>IncomingMailServerPortNumber</key><integer>%3$d</integer>
                      <key>IncomingMailServerUseSSL</key><%4$s/>
                      <key>IncomingMailServerUsername</key><string>%1$s</string>
                      <key>OutgoingMailServerAuthentication</key><string>EmailAuthPassword</string>
                      <key>OutgoingMailServerHostName</key><string>%2$s</string>
                      <key>OutgoingMailServerPortNumber</key><integer>%5$d</integer>
                      <key>OutgoingMailServerUseSSL</key><%6$s/>
                      <key>OutgoingMailServerUsername</key><string>%1$s</string>
                      <key>OutgoingPasswordSameAsIncomingPassword</key><true/>
                      <key>PayloadDisplayName</key><string>%1$s</string>
                      <key>PayloadIdentifier</key><string>%7$s.mail.%8$s</string>
                      <key>PayloadType</key><string>com.apple.mail.managed</string>
                      <key>PayloadUUID</key><string>%9$s</string>
                      <key>PayloadVersion</key><integer>1</integer>
                      <key>SMIMEEnabled</key><false/>
                    </dict>""".formatted(xml(address.toString()), xml(hostname), imapTls ? imaps : imap, imapTls ? "true" : "false",
                smtpTls ? submissions : submission, smtpTls ? "true" : "false", xml(reverse), xml(id(address)), uuid("account", address));
        String profile = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>PayloadContent</key>
                  <array>
                %1$s
                  </array>
                  <key>PayloadDisplayName</key><string>Mail for %2$s</string>
                  <key>PayloadIdentifier</key><string>%3$s.profile.%4$s</string>
                  <key>PayloadRemovalDisallowed</key><false/>
                  <key>PayloadType</key><string>Configuration</string>
                  <key>PayloadUUID</key><string>%5$s</string>
                  <key>PayloadVersion</key><integer>1</integer>
                  <key>PayloadDescription</key><string>Sets up mail for %2$s on %6$s.</string>
                </dict>
                </plist>
                """.formatted(account, xml(address.toString()), xml(reverse), xml(id(address)), uuid("profile", address), xml(domain));
        return profile.getBytes(StandardCharsets.UTF_8);
    }

    /** The same address gets the same UUIDs: installing the profile again replaces it instead of adding a second account. */
    private static String uuid(String what, EmailAddress address) {
        return UUID.nameUUIDFromBytes((what + ":" + address).getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(java.util.Locale.ROOT);
    }

    /** A payload identifier part: the address with anything but letters, digits, '-' and '.' as '-'. */
    private static String id(EmailAddress address) {
        return address.toString().replaceAll("[^A-Za-z0-9.-]", "-");
    }

    private static String reverse(String host) {
        String[] labels = host.split("\\.");
        StringBuilder b = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) b.append(labels[i]).append(i > 0 ? "." : "");
        return b.toString();
    }

    static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') b.append(c); // other controls are not XML
                }
            }
        }
        return b.toString();
    }
}
