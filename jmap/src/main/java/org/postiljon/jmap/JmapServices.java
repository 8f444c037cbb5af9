package org.postiljon.jmap;

import java.nio.file.Path;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.Quotas;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.mailbox.api.Submission;
import org.postiljon.mailbox.api.TwoFactor;
import org.postiljon.mailbox.api.Vacations;

/**
 * What the JMAP methods work on: the mailbox model (every mutation goes through it, so IMAP sees
 * JMAP's changes and the other way round), the submission path SMTP uses, the Sieve scripts
 * ManageSieve and delivery use, and a directory for uploaded blobs.
 */
public record JmapServices(Directory directory, Mailboxes mailboxes, Messages messages, ChangeBus changes, Quotas quotas,
                           Submission submission, Path uploads, JmapLimits limits, Vacations vacations, SieveScripts sieveScripts,
                           AppPasswords appPasswords, TwoFactor twoFactor) { }
