// The admin UI: plain ES module, no build step. Everything it shows comes from the admin API
// (/admin/api/v1, described at /admin/api/v1/openapi.json); it signs in like the webmail does.
// Data is only ever put on the page as text (textContent), never as HTML.
import { wireSignIn } from '../signin.js';

const API = '/admin/api/v1';
const $ = id => document.getElementById(id);
let csrf = null;

async function api(method, path, body) {
  const headers = { 'X-Postiljon-Webmail': '1' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await r.json().catch(() => ({}));
  if (r.status === 401) { showLogin(); throw new Error('sign in first'); }
  if (!r.ok) throw new Error(answer.detail || r.statusText);
  return answer;
}

function say(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

/** Runs an action and says what came of it; reloads the page's data afterwards. */
async function act(what, fn, after) {
  try {
    await fn();
    say(what);
    if (after) await after();
  } catch (e) {
    say(e.message, true);
  }
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    if (c instanceof Node) td.append(c); else td.textContent = c ?? '';
    tr.append(td);
  }
  return tr;
}

/** The one row of an empty table, across all its columns. */
function empty(tbody, text) {
  const tr = row([text]);
  tr.cells[0].colSpan = tbody.parentElement.tHead.rows[0].cells.length;
  tr.cells[0].className = 'hint';
  tbody.append(tr);
}

function button(label, onClick, title) {
  const b = el('button', label);
  b.type = 'button';
  if (title) b.setAttribute('aria-label', title);
  b.addEventListener('click', onClick);
  return b;
}

function actions(...buttons) {
  const d = el('div', null, 'actions');
  d.append(...buttons);
  return d;
}

function bytes(n) {
  if (n === null || n === undefined) return 'unlimited';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' days';
}

/** Asks for one value in a dialog; resolves to it, or null when cancelled. */
function ask(title, label, type = 'text', value = '') {
  return new Promise(resolve => {
    const d = $('ask');
    $('ask-title').textContent = title;
    $('ask-label').textContent = label;
    const input = $('ask-input');
    input.type = type;
    input.value = value;
    d.returnValue = '';
    d.addEventListener('close', () => resolve(d.returnValue === 'ok' ? input.value : null), { once: true });
    d.showModal();
    input.focus();
  });
}

// ---- sign-in ----

function showLogin() {
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-user').focus();
}

wireSignIn(start);

$('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
  location.hash = '';
  showLogin();
});

async function start(session) {
  csrf = session.csrf;
  $('user').textContent = session.username;
  const probe = await fetch(API + '/dashboard', { headers: { 'X-Postiljon-Webmail': '1' } });
  if (probe.status === 403) {
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = session.username + ' is not an administrator of this server.';
    return;
  }
  $('login').hidden = true;
  $('app').hidden = false;
  await show();
}

// ---- pages ----

const pages = { dashboard, accounts, domains, queue, logs };
let refresh = null;

async function show() {
  const name = pages[location.hash.slice(1)] ? location.hash.slice(1) : 'dashboard';
  for (const p of Object.keys(pages)) {
    $(p).hidden = p !== name;
    if (p === name) $('tab-' + p).setAttribute('aria-current', 'page'); else $('tab-' + p).removeAttribute('aria-current');
  }
  clearInterval(refresh);
  say('');
  try {
    await pages[name]();
  } catch (e) {
    say(e.message, true);
  }
  if (name === 'dashboard') refresh = setInterval(() => dashboard().catch(e => say(e.message, true)), 10000);
}

window.addEventListener('hashchange', show);

async function dashboard() {
  const [d, sessions] = await Promise.all([api('GET', '/dashboard'), api('GET', '/sessions?limit=200')]);
  const figures = [
    ['Accounts', d.accounts], ['Domains', d.domains], ['Storage used', bytes(d.storageBytes)], ['Messages stored', d.messages],
    ['Deliveries / min', d.deliveriesPerMinute], ['Queued for other servers', d.queueMessages, d.queueMessages > 0 && d.queueOldestAgeSeconds > 3600],
    ['Oldest in queue', age(d.queueOldestAgeSeconds)], ['Warnings and errors (1 h)', d.problemsLastHour, d.problemsLastHour > 0],
    ['Waiting for the search index', d.indexBacklog], ['Up for', age(d.uptimeSeconds)],
  ];
  const box = $('figures');
  box.replaceChildren();
  for (const [name, value, warn] of figures) {
    const f = el('div', null, 'figure' + (warn ? ' warn' : ''));
    f.append(el('div', value, 'value'), el('div', name, 'name'));
    box.append(f);
  }
  const tbody = $('sessions').tBodies[0];
  tbody.replaceChildren(...sessions.map(s => row([s.protocol, s.ip, s.user || '(not signed in)', s.tls ? 'yes' : 'no', s.commands, age(s.seconds)])));
  if (sessions.length === 0) empty(tbody, 'none');
}

async function accounts() {
  const list = await api('GET', '/accounts');
  const tbody = $('account-list').tBodies[0];
  tbody.replaceChildren();
  for (const a of list) {
    const used = bytes(a.usedBytes) + ' in ' + a.usedMessages + ' messages';
    const tr = row([a.address, a.quota.storageBytes === null ? 'unlimited' : bytes(a.quota.storageBytes), used, actions(
      button('Password', async () => {
        const pw = await ask('New password for ' + a.address, 'Password (at least 8 characters)', 'password');
        if (pw) await act('Password of ' + a.address + ' changed', () => api('PUT', '/accounts/' + encodeURIComponent(a.address) + '/password', { password: pw }));
      }, 'Set the password of ' + a.address),
      button('Quota', async () => {
        const mb = await ask('Quota of ' + a.address, 'Megabytes, or unlimited', 'text',
          a.quota.storageBytes === null ? 'unlimited' : String(Math.round(a.quota.storageBytes / 1048576)));
        if (mb) await act('Quota of ' + a.address + ' set', () => api('PUT', '/accounts/' + encodeURIComponent(a.address) + '/quota', { storageMb: mb }), accounts);
      }, 'Set the quota of ' + a.address),
      button('Remove', async () => {
        const typed = await ask('Remove ' + a.address + ' and all its mail?', 'Type the address to confirm');
        if (typed === a.address) await act(a.address + ' removed', () => api('DELETE', '/accounts/' + encodeURIComponent(a.address)), accounts);
      }, 'Remove ' + a.address))]);
    tbody.append(tr);
  }
  if (list.length === 0) empty(tbody, 'no accounts yet');
}

$('account-add').addEventListener('submit', e => {
  e.preventDefault();
  const f = e.target;
  const body = { address: f.address.value, password: f.password.value };
  if (f.quotaMb.value !== '') body.quotaMb = Number(f.quotaMb.value);
  act('Account ' + body.address + ' added', () => api('POST', '/accounts', body), async () => { f.reset(); await accounts(); });
});

async function domains() {
  const list = await api('GET', '/domains');
  const tbody = $('domain-list').tBodies[0];
  tbody.replaceChildren();
  for (const d of list) {
    tbody.append(row([d, actions(
      button('DNS records', () => dns(d), 'DNS records of ' + d),
      button('New DKIM key', () => act('A new DKIM key signs mail from ' + d + ': publish its record below',
        () => api('POST', '/domains/' + encodeURIComponent(d) + '/dkim', {}), () => dns(d)), 'New DKIM key for ' + d),
      button('Remove', async () => {
        const typed = await ask('Remove the domain ' + d + '?', 'Type the domain to confirm');
        if (typed === d) await act(d + ' removed', () => api('DELETE', '/domains/' + encodeURIComponent(d)), domains);
      }, 'Remove ' + d))]));
  }
  if (list.length === 0) empty(tbody, 'no domains yet');
}

async function dns(domain) {
  const d = await api('GET', '/domains/' + encodeURIComponent(domain) + '/dns');
  $('dns-title').textContent = 'DNS records for ' + d.domain;
  const tbody = $('dns-list').tBodies[0];
  tbody.replaceChildren(...d.records.map(r => {
    const tr = row([r.name, r.type, r.value, r.purpose]);
    tr.cells[2].className = 'value';
    return tr;
  }));
  $('dns-zone').textContent = d.zone;
  $('dns').hidden = false;
}

$('domain-add').addEventListener('submit', e => {
  e.preventDefault();
  const f = e.target;
  act('Domain ' + f.name.value + ' added', () => api('POST', '/domains', { name: f.name.value }), async () => { f.reset(); await domains(); });
});

async function queue() {
  const list = await api('GET', '/queue');
  const tbody = $('queue-list').tBodies[0];
  tbody.replaceChildren();
  for (const m of list) {
    const rcpts = el('div');
    for (const r of m.recipients) {
      const line = el('div', r.address + ' — ' + r.state.toLowerCase() + ', ' + r.attempts + ' attempts', 'rcpt');
      if (r.lastReply) line.append(el('div', r.lastReply, 'reply'));
      rcpts.append(line);
    }
    const id = m.id;
    tbody.append(row([id, new Date(m.created).toLocaleString(), m.sender || '<> (a notice)', bytes(m.size), rcpts, actions(
      button('Retry', () => act('Message ' + id + ' will be tried again now', () => api('POST', '/queue/' + id + '/retry'), queue), 'Retry message ' + id),
      button('Return', () => act('Message ' + id + ' returned to its sender', () => api('POST', '/queue/' + id + '/bounce'), queue), 'Return message ' + id + ' to its sender'),
      button('Delete', () => act('Message ' + id + ' deleted', () => api('DELETE', '/queue/' + id), queue), 'Delete message ' + id))]));
  }
  if (list.length === 0) empty(tbody, 'the queue is empty');
}

async function logs() {
  const level = document.querySelector('#log-filter select').value;
  const list = await api('GET', '/logs?limit=300&level=' + level);
  const tbody = $('log-list').tBodies[0];
  tbody.replaceChildren(...list.map(l => {
    const tr = row([new Date(l.at).toLocaleTimeString(), l.level, l.logger, l.message + (l.pairs ? '  ' + l.pairs : '')]);
    tr.cells[1].className = 'level-' + l.level;
    return tr;
  }));
  if (list.length === 0) empty(tbody, 'nothing logged at this level');
}

$('log-filter').addEventListener('submit', e => {
  e.preventDefault();
  logs().catch(err => say(err.message, true));
});

// A reloaded page: the cookie may still hold a session.
fetch('/webmail/session', { headers: { 'X-Postiljon-Webmail': '1' } }).then(async r => {
  if (r.ok) await start(await r.json()); else showLogin();
}, showLogin);
