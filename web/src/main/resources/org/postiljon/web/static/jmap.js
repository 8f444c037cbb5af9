// A small JMAP client (RFC 8620) for the webmail: one fetch per request, the session's CSRF token
// in a header, the cookie for authentication. The webmail speaks nothing but JMAP.
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission',
  'urn:ietf:params:jmap:quota', 'urn:ietf:params:jmap:vacationresponse', 'urn:ietf:params:jmap:sieve', 'urn:postiljon:params:jmap:webmail'];

export class Jmap {
  constructor(csrf) { this.csrf = csrf; this.accountId = null; }

  headers(extra = {}) {
    return { 'X-CSRF-Token': this.csrf, 'X-Postiljon-Webmail': '1', ...extra };
  }

  async session() {
    const r = await fetch('/jmap/session', { headers: this.headers(), credentials: 'same-origin' });
    if (!r.ok) throw new Error('session: ' + r.status);
    const s = await r.json();
    this.accountId = s.primaryAccounts['urn:ietf:params:jmap:mail'];
    return s;
  }

  /** Runs method calls; returns the responses by call id, throwing on a method error. */
  async call(calls) {
    const body = { using: USING, methodCalls: calls.map(([name, args, id]) => [name, { accountId: this.accountId, ...args }, id]) };
    const r = await fetch('/jmap/api', {
      method: 'POST', credentials: 'same-origin',
      headers: this.headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body),
    });
    if (r.status === 401) { location.reload(); throw new Error('signed out'); }
    if (!r.ok) throw new Error((await r.json()).detail || ('HTTP ' + r.status));
    const out = {};
    for (const [name, args, id] of (await r.json()).methodResponses) {
      if (name === 'error') throw new Error(args.description || args.type);
      if (!out[id]) out[id] = args; else out[id + ':' + name] = args;
    }
    return out;
  }

  async upload(file) {
    const r = await fetch(`/jmap/upload/${this.accountId}/`, {
      method: 'POST', credentials: 'same-origin', headers: this.headers({ 'Content-Type': file.type || 'application/octet-stream' }), body: file,
    });
    if (!r.ok) throw new Error((await r.json()).detail || 'upload failed');
    return r.json();
  }

  downloadUrl(blobId, name, type) {
    return `/jmap/download/${this.accountId}/${encodeURIComponent(blobId)}/${encodeURIComponent(name || 'attachment')}?type=${encodeURIComponent(type || 'application/octet-stream')}`;
  }

  /** Push: calls onChange for every StateChange (RFC 8620 §7.3). */
  listen(onChange) {
    const es = new EventSource('/jmap/eventsource?types=*&closeafter=no&ping=30', { withCredentials: true });
    es.addEventListener('state', e => onChange(JSON.parse(e.data)));
    return es;
  }
}
