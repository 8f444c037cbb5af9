// Drives Postiljon with jmap-jam, a JMAP client library from npm (RFC 8620/8621), and prints what
// it saw as one JSON object for JmapInteropTest to check. jmap-jam sends only Bearer tokens; the
// server signs clients in with Basic, so the script hands the library a Basic header instead.
import JamClient from 'jmap-jam';

const [base, user, password] = process.argv.slice(2);
const basic = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
JamClient.loadSession = (url) => fetch(url, { headers: { Authorization: basic, Accept: 'application/json' } }).then(r => r.json());
const jam = new JamClient({ sessionUrl: `${base}/.well-known/jmap`, bearerToken: 'unused' });
jam.authHeader = basic;

const accountId = await jam.getPrimaryAccount();
const [mailboxes] = await jam.api.Mailbox.get({ accountId });
const inbox = mailboxes.list.find(m => m.role === 'inbox');
const archive = mailboxes.list.find(m => m.role === 'archive');

const [{ found, emails }] = await jam.requestMany(t => {
  const found = t.Email.query({ accountId, filter: { inMailbox: inbox.id }, sort: [{ property: 'receivedAt', isAscending: false }] });
  const emails = t.Email.get({ accountId, ids: found.$ref('/ids'), properties: ['subject', 'from', 'keywords', 'mailboxIds'] });
  return { found, emails };
});

const first = emails.list[0];
const [set] = await jam.api.Email.set({ accountId, update: { [first.id]: { 'keywords/$seen': true, mailboxIds: { [archive.id]: true } } } });

const raw = 'From: Eve <eve@example.test>\r\nTo: ' + user + '\r\nSubject: Uploaded by jmap-jam\r\n\r\nHi.\r\n';
const blob = await jam.uploadBlob(accountId, new Blob([raw], { type: 'message/rfc822' }));
const [imported] = await jam.api.Email.import({ accountId, emails: { n: { blobId: blob.blobId, mailboxIds: { [inbox.id]: true } } } });
const download = await jam.downloadBlob({ accountId, blobId: imported.created.n.blobId, mimeType: 'message/rfc822', fileName: 'm.eml' });

let error = null;
try {
  await jam.api.Mailbox.get({ accountId: 'Anobody' });
} catch (e) {
  error = e.type;
}

console.log(JSON.stringify({
  accountId, mailboxes: mailboxes.list.map(m => m.role || m.name), total: found.ids.length,
  subject: first.subject, from: first.from[0].email, updated: Object.keys(set.updated || {}),
  imported: imported.created.n.id, downloaded: await download.text(), error,
}));
