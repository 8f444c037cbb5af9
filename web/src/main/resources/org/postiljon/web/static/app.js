import { Jmap } from './jmap.js';
import { openSettings } from './settings.js';
import { wireSignIn } from './signin.js';
import { icon, decorate } from './icons.js';
import { clean, cleanHtml, htmlDocument, textToHtml, wireToolbar } from './editor.js';
import { fileSize, folderName, locale, t, translatePage } from './i18n.js';

const $ = id => document.getElementById(id);
const PAGE = 50;
const state = {
  jmap: null, user: '', mailboxes: [], byId: new Map(), current: null, sort: { property: 'receivedAt', isAscending: false },
  position: 0, total: 0, ids: [], emails: new Map(), selected: new Set(), open: null, search: '', remote: new Set(),
  lastState: null, attachments: [], composeContext: null, session: null,
  // Compose: the identities to send as, the draft saved last (its id and what it held), the save
  // running and the one waiting, the signature and quote line as put in, the editor's mode.
  identities: [], draftId: null, savedAs: null, saving: null, autosave: null, signature: '', quoteIntro: null, formatting: false,
  // Conversations (one row per thread) unless the user turned them off in this browser.
  conversations: localStorage.getItem('conversations') !== 'off', threads: new Map(),
};

function status(text) {
  $('status').textContent = text;
  clearTimeout(status.t);
  status.t = setTimeout(() => { $('status').textContent = ''; }, 4000);
}

function fmtDate(iso) {
  const d = new Date(iso);
  const now = new Date();
  return d.toDateString() === now.toDateString() ? d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString(locale);
}

function addr(list) {
  return (list || []).map(a => a.name ? `${a.name} <${a.email}>` : a.email).join(', ');
}

/** How a list names people: their names (the address when there is none). */
function names(list) {
  return (list || []).map(a => a.name || a.email).join(', ');
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function role(r) { return state.mailboxes.find(m => m.role === r); }


/** The first SetError of a /set answer's not- map, or null (RFC 8620 §5.3: null when there is none). */
function firstError(map) {
  const errors = Object.values(map || {});
  return errors.length ? errors[0].description || errors[0].type : null;
}

// ---- sign-in ----

async function start() {
  const r = await fetch('/webmail/session', { credentials: 'same-origin' });
  if (r.ok) return enter(await r.json());
  $('login').hidden = false;
  $('login-user').focus();
}

translatePage();
wireSignIn(enter);
decorate();

// ---- theme: as the system is set (auto), or light or dark by choice, remembered in this browser ----

const THEMES = ['auto', 'light', 'dark'];
function applyTheme(theme) {
  if (theme === 'auto') delete document.documentElement.dataset.theme; else document.documentElement.dataset.theme = theme;
  $('theme-label').textContent = t('Theme: ' + theme);
}
applyTheme(THEMES.includes(localStorage.getItem('theme')) ? localStorage.getItem('theme') : 'auto');
$('theme').addEventListener('click', () => {
  const next = THEMES[(THEMES.indexOf(localStorage.getItem('theme') || 'auto') + 1) % THEMES.length];
  localStorage.setItem('theme', next);
  applyTheme(next);
});

// The reading pane: beside the list (right), below it, or off (a message opens in the list's place,
// as on a phone). Chosen per browser.
const PANES = ['right', 'below', 'off'];
function applyPane(p) {
  const panes = document.querySelector('.panes');
  for (const x of PANES) panes.classList.toggle('pane-' + x, x === p);
  if (p === 'off') panes.classList.remove('reading'); // the list first; a message opens in its place
  $('pane-label').textContent = t('Reading pane: ' + p);
  if ($('splitter').hasAttribute('aria-valuenow')) applySplit(Number($('splitter').getAttribute('aria-valuenow')));
}
applyPane(PANES.includes(localStorage.getItem('pane')) ? localStorage.getItem('pane') : 'right');
$('pane').addEventListener('click', () => {
  const next = PANES[(PANES.indexOf(localStorage.getItem('pane') || 'right') + 1) % PANES.length];
  localStorage.setItem('pane', next);
  applyPane(next);
});

// The splitter between list and reader: dragged, or moved with the arrow keys (Home/End for the
// ends), the list's share of the room remembered per browser. A separator in ARIA's sense.
function applySplit(pct) {
  const p = Math.max(20, Math.min(80, Math.round(pct)));
  document.querySelector('.panes').style.setProperty('--split', String(p));
  $('splitter').setAttribute('aria-valuenow', String(p));
  $('splitter').setAttribute('aria-orientation', document.querySelector('.panes').classList.contains('pane-below') ? 'horizontal' : 'vertical');
  return p;
}
applySplit(Number(localStorage.getItem('split')) || 45);
$('splitter').addEventListener('pointerdown', e => {
  const bar = $('splitter');
  const panes = document.querySelector('.panes');
  const below = panes.classList.contains('pane-below');
  const box = panes.getBoundingClientRect();
  const list = document.querySelector('.list-pane').getBoundingClientRect();
  bar.setPointerCapture(e.pointerId);
  bar.classList.add('dragging');
  const move = m => {
    // The list's new size as a share of the panes' width (right) or height (below).
    const pct = below ? (m.clientY - list.top) * 100 / box.height : (m.clientX - list.left) * 100 / box.width;
    localStorage.setItem('split', String(applySplit(pct)));
  };
  bar.addEventListener('pointermove', move);
  bar.addEventListener('pointerup', () => { bar.removeEventListener('pointermove', move); bar.classList.remove('dragging'); }, { once: true });
  e.preventDefault();
});
$('splitter').addEventListener('keydown', e => {
  const now = Number($('splitter').getAttribute('aria-valuenow'));
  const step = { ArrowLeft: -5, ArrowUp: -5, ArrowRight: 5, ArrowDown: 5, Home: -100, End: 100 }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  localStorage.setItem('split', String(applySplit(now + step)));
});

async function enter(s) {
  state.user = s.username;
  state.jmap = new Jmap(s.csrf);
  state.session = await state.jmap.session();
  $('login').hidden = true;
  $('app').hidden = false;
  $('user').textContent = s.username;
  if (matchMedia('(max-width: 760px)').matches) toggleFolders(false);
  await loadMailboxes();
  await openMailbox(role('inbox').id);
  loadQuota();
  loadContacts();
  loadIdentities();
  state.jmap.listen(onPush);
}

$('open-settings').addEventListener('click', () => openSettings(state.jmap, state.mailboxes, status, loadIdentities).catch(e => status(e.message)));

$('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
  location.reload();
});

// ---- live updates ----

let refreshing = null;
function onPush(change) {
  const s = Object.values(change.changed)[0];
  if (!s || s.Email === state.lastState) return;
  state.lastState = s.Email;
  clearTimeout(refreshing);
  refreshing = setTimeout(async () => {
    await loadMailboxes();
    await loadList();
    loadQuota();
  }, 150);
}

// ---- folders ----

async function loadMailboxes() {
  const r = await state.jmap.call([['Mailbox/get', {}, 'm']]);
  state.mailboxes = r.m.list;
  state.byId = new Map(state.mailboxes.map(m => [m.id, m]));
  renderTree();
  const move = $('move-to');
  move.replaceChildren(el('option', { value: '', text: t('Move to…') }));
  for (const m of sortedTree()) move.append(el('option', { value: m.id, text: '\u00a0\u00a0'.repeat(m.depth) + folderName(m) }));
}

function sortedTree() {
  const out = [];
  const walk = (parent, depth) => state.mailboxes.filter(m => m.parentId === parent)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))
    .forEach(m => { out.push({ ...m, depth }); walk(m.id, depth + 1); });
  walk(null, 0);
  return out;
}

function renderTree() {
  const build = parent => {
    const ul = el('ul', { role: parent ? 'group' : 'tree' });
    for (const m of state.mailboxes.filter(x => x.parentId === parent).sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))) {
      const label = folderName(m);
      const row = el('div', {
        class: 'folder', role: 'treeitem', tabindex: '0', 'data-id': m.id, 'data-role': m.role || '',
        'aria-selected': String(m.id === state.current), title: label,
        onclick: () => openMailbox(m.id), onkeydown: e => { if (e.key === 'Enter') openMailbox(m.id); },
        ondragover: e => { e.preventDefault(); row.classList.add('drop'); },
        ondragleave: () => row.classList.remove('drop'),
        ondrop: e => { e.preventDefault(); row.classList.remove('drop'); dropOn(m.id, e.dataTransfer.getData('text/x-postiljon-ids')); },
      }, el('span', { class: 'name', text: label }));
      if (m.unreadEmails > 0) row.append(el('span', { class: 'count', 'aria-label': t('{n} unread', { n: m.unreadEmails }), text: String(m.unreadEmails) }));
      // The list item only lays out the tree: to assistive technology the treeitem is the tree's (or group's) own child.
      const li = el('li', { role: 'none' }, row);
      if (state.mailboxes.some(x => x.parentId === m.id)) li.append(build(m.id));
      ul.append(li);
    }
    return ul;
  };
  const tree = build(null);
  $('folder-tree').replaceChildren(...tree.childNodes);
  const cur = state.byId.get(state.current);
  $('subscribed').checked = !!(cur && cur.isSubscribed);
}

function toggleFolders(show) {
  const f = $('folders');
  const visible = show === undefined ? f.classList.contains('hidden') : show;
  f.classList.toggle('hidden', !visible);
  $('toggle-folders').setAttribute('aria-expanded', String(visible));
}
$('toggle-folders').addEventListener('click', () => toggleFolders());
// A phone: the folders are a drawer, closed until asked for and closed again once a folder is chosen.
const phone = window.matchMedia('(max-width: 760px)');
if (phone.matches) toggleFolders(false);
phone.addEventListener('change', e => toggleFolders(!e.matches)); // turned, or the window resized: the drawer closes, the pane returns

async function openMailbox(id) {
  if (phone.matches) toggleFolders(false);
phone.addEventListener('change', e => toggleFolders(!e.matches)); // turned, or the window resized: the drawer closes, the pane returns
  closeReader();
  state.current = id;
  state.position = 0;
  state.search = '';
  $('search').value = '';
  state.selected.clear();
  renderTree();
  const m = state.byId.get(id);
  $('folder-title').textContent = folderName(m);
  $('empty-trash').hidden = m.role !== 'trash';
  await loadList();
}

async function dropOn(target, ids) {
  if (!ids) return;
  await moveTo(ids.split(','), target);
}

function ask(text, withInput, value = '') {
  return new Promise(resolve => {
    const d = $('confirm-dialog');
    $('confirm-text').textContent = text;
    $('confirm-input').hidden = !withInput;
    $('confirm-input-label').hidden = !withInput;
    $('confirm-input').value = value;
    d.returnValue = '';
    d.onclose = () => resolve(d.returnValue === 'ok' ? (withInput ? $('confirm-input').value : true) : null);
    d.showModal();
    (withInput ? $('confirm-input') : $('confirm-ok')).focus();
  });
}

$('new-folder').addEventListener('click', async () => {
  const name = await ask(t('Name of the new folder (inside the selected one if it is not the Inbox):'), true);
  if (!name) return;
  const cur = state.byId.get(state.current);
  const parentId = cur && cur.role !== 'inbox' && !cur.role ? cur.id : null;
  const r = await state.jmap.call([['Mailbox/set', { create: { n: { name, parentId } } }, 's']]);
  if (firstError(r.s.notCreated)) return status(firstError(r.s.notCreated));
  await loadMailboxes();
});

$('rename-folder').addEventListener('click', async () => {
  const cur = state.byId.get(state.current);
  if (!cur || cur.role) return status(t('Only your own folders can be renamed'));
  const name = await ask(t('New name:'), true, cur.name);
  if (!name) return;
  const r = await state.jmap.call([['Mailbox/set', { update: { [cur.id]: { name } } }, 's']]);
  if (firstError(r.s.notUpdated)) return status(firstError(r.s.notUpdated));
  await loadMailboxes();
  $('folder-title').textContent = name;
});

$('delete-folder').addEventListener('click', async () => {
  const cur = state.byId.get(state.current);
  if (!cur || cur.role) return status(t('Only your own folders can be deleted'));
  if (!await ask(t('Delete the folder "{name}" and the {n} messages in it?', { name: cur.name, n: cur.totalEmails }))) return;
  const r = await state.jmap.call([['Mailbox/set', { destroy: [cur.id], onDestroyRemoveEmails: true }, 's']]);
  if (firstError(r.s.notDestroyed)) return status(firstError(r.s.notDestroyed));
  await loadMailboxes();
  await openMailbox(role('inbox').id);
});

$('subscribed').addEventListener('change', async e => {
  await state.jmap.call([['Mailbox/set', { update: { [state.current]: { isSubscribed: e.target.checked } } }, 's']]);
  await loadMailboxes();
});

// ---- the message list: sorted and paged on the server ----

async function loadList() {
  let filter;
  try {
    filter = state.search ? searchFilter(state.search) : { inMailbox: state.current };
  } catch (err) {
    status(err.message);
    return;
  }
  const r = await state.jmap.call([
    ['Email/query', { filter, sort: [state.sort], position: state.position, limit: PAGE, calculateTotal: !state.conversations, collapseThreads: state.conversations }, 'q'],
    ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
      properties: ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'size', 'hasAttachment', 'preview'] }, 'g'],
    ['Thread/get', { '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't'],
  ]);
  // Conversations: no total (counting the threads of a big folder means reading all of it); "Older" while pages are full.
  state.total = r.q.total ?? null;
  state.ids = r.q.ids;
  const sizes = new Map(r.t.list.map(t => [t.id, t.emailIds.length]));
  state.threads = new Map(r.t.list.map(t => [t.id, t.emailIds])); // the page's threads only: the rows they stand for
  for (const e of r.g.list) state.emails.set(e.id, { ...e, threadSize: sizes.get(e.threadId) || 1 });
  for (const id of [...state.selected]) if (!state.ids.includes(id)) state.selected.delete(id);
  renderList();
}

/**
 * The search box's words as a JMAP filter (RFC 8621 §4.4.1): from:, to:, cc:, subject:,
 * before:/after: a date, in:folder, is:unread/read/flagged, has:attachment, and the rest as text;
 * "quoted words" stay together. Without in: it searches every folder.
 */
function searchFilter(text) {
  const conditions = [];
  const words = [];
  for (const m of text.matchAll(/(\w+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/g)) {
    const value = m[2] ?? m[3];
    if (m[1] === undefined) { words.push(m[4] ?? m[5]); continue; }
    const op = m[1].toLowerCase();
    if (['from', 'to', 'cc', 'subject'].includes(op)) conditions.push({ [op]: value });
    else if (op === 'before' || op === 'after') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(t('{op}: takes a date as 2026-12-31', { op }));
      conditions.push({ [op]: value + 'T00:00:00Z' });
    } else if (op === 'in') {
      const mb = state.mailboxes.find(b => b.name.toLowerCase() === value.toLowerCase() || b.role === value.toLowerCase());
      if (!mb) throw new Error(t('No folder called {name}', { name: value }));
      conditions.push({ inMailbox: mb.id });
    } else if (op === 'is') {
      const is = { unread: { notKeyword: '$seen' }, read: { hasKeyword: '$seen' }, flagged: { hasKeyword: '$flagged' } }[value.toLowerCase()];
      if (!is) throw new Error(t('is: takes unread, read or flagged'));
      conditions.push(is);
    } else if (op === 'has') {
      if (value.toLowerCase() !== 'attachment') throw new Error(t('has: takes attachment'));
      conditions.push({ hasAttachment: true });
    } else words.push(m[0]);
  }
  if (words.length) conditions.push({ text: words.join(' ') });
  // inMailbox only at the top or in the top AND (how the server takes it); the others with it.
  return conditions.length === 1 ? conditions[0] : { operator: 'AND', conditions };
}

function renderList() {
  const rows = state.ids.map(id => state.emails.get(id)).filter(Boolean).map(e => {
    const unread = !e.keywords.$seen;
    const tr = el('tr', {
      class: (unread ? 'unread ' : '') + (e.keywords.$flagged ? 'flagged' : ''), tabindex: '0', draggable: 'true',
      'data-id': e.id, 'aria-selected': String(state.selected.has(e.id) || state.open === e.id),
      onclick: ev => { if (ev.target.type !== 'checkbox') openRow(e.id); },
      onkeydown: ev => { if (ev.key === 'Enter') openRow(e.id); },
      ondragstart: ev => {
        const ids = expand(state.selected.has(e.id) ? [...state.selected] : [e.id]);
        ev.dataTransfer.setData('text/x-postiljon-ids', ids.join(','));
        ev.dataTransfer.effectAllowed = 'move';
      },
    });
    const box = el('input', { type: 'checkbox', 'aria-label': t('Select {subject}', { subject: e.subject || t('(no subject)') }) });
    box.checked = state.selected.has(e.id);
    box.addEventListener('change', () => { box.checked ? state.selected.add(e.id) : state.selected.delete(e.id); });
    const sent = state.current && state.byId.get(state.current)?.role === 'sent' && !state.search;
    const people = sent ? e.to : e.from;
    // Two lines at any width: who (their names), the marks and the date; then the subject and the start of the text.
    const who = el('span', { class: 'from', text: sent ? t('To: {who}', { who: names(people) || t('(unknown)') }) : names(people) || t('(unknown)'), title: addr(people) });
    const marks = el('span', { class: 'marks' });
    if (e.threadSize > 1) marks.append(el('span', { class: 'thread', title: t('{n} messages in this conversation', { n: e.threadSize }) }, icon('thread'), String(e.threadSize)));
    if (e.hasAttachment) marks.append(icon('attachment', t('has attachments')));
    if (e.keywords.$flagged) marks.append(icon('flag', t('flagged')));
    const main = el('td', { class: 'message' },
      el('div', { class: 'line1' }, who, marks),
      el('div', { class: 'line2' }, el('span', { class: 'subject', text: e.subject || '(no subject)' }),
        el('span', { class: 'preview', text: e.preview ? ' – ' + e.preview : '' })));
    tr.append(el('td', {}, box), main,
      el('td', { class: 'date', title: `${new Date(e.receivedAt).toLocaleString(locale)}, ${fileSize(e.size)}` },
        el('div', { class: 'when' }, el('span', { text: fmtDate(e.receivedAt) }), el('span', { class: 'size', text: fileSize(e.size) }))));
    return tr;
  });
  $('message-list').replaceChildren(...rows);
  if (state.total === null) {
    const last = state.position + state.ids.length;
    $('page-info').textContent = state.ids.length ? `${state.position + 1}–${last}` : t('No messages');
    $('next-page').disabled = state.ids.length < PAGE;
  } else {
    const last = Math.min(state.position + PAGE, state.total);
    $('page-info').textContent = state.total ? t('{from}–{to} of {total}', { from: state.position + 1, to: last, total: state.total }) : t('No messages');
    $('next-page').disabled = last >= state.total;
  }
  $('prev-page').disabled = state.position === 0;
  $('select-all').checked = false;
}

$('prev-page').addEventListener('click', () => { state.position = Math.max(0, state.position - PAGE); loadList(); });
$('next-page').addEventListener('click', () => { state.position += PAGE; loadList(); });
$('select-all').addEventListener('change', e => {
  for (const id of state.ids) e.target.checked ? state.selected.add(id) : state.selected.delete(id);
  renderList();
  $('select-all').checked = e.target.checked;
});
for (const b of document.querySelectorAll('button.sort')) {
  b.addEventListener('click', () => {
    const p = b.dataset.sort;
    state.sort = { property: p, isAscending: state.sort.property === p ? !state.sort.isAscending : p !== 'receivedAt' && p !== 'size' };
    state.position = 0;
    loadList();
  });
}
$('search-form').addEventListener('submit', e => {
  e.preventDefault();
  state.search = $('search').value.trim();
  state.position = 0;
  $('folder-title').textContent = state.search ? t('Search: {text}', { text: state.search }) : t('Inbox');
  loadList();
});

/** What the list's actions act on: the selected rows, else the open one; with conversations on, every message of their threads. */
function targets() {
  return expand(state.selected.size ? [...state.selected] : state.open ? [state.open] : []);
}

/** With conversations on, a row stands for its whole thread. */
function expand(rows) {
  if (!state.conversations) return rows;
  return [...new Set(rows.flatMap(id => state.threads.get(state.emails.get(id)?.threadId) || [id]))];
}

async function moveTo(ids, mailboxId) {
  if (!ids.length) return;
  const update = Object.fromEntries(ids.map(id => [id, { mailboxIds: { [mailboxId]: true } }]));
  const r = await state.jmap.call([['Email/set', { update }, 's']]);
  if (firstError(r.s.notUpdated)) status(firstError(r.s.notUpdated));
  else status(t('Moved {n} to {folder}', { n: ids.length, folder: folderName(state.byId.get(mailboxId)) }));
  state.selected.clear();
  if (ids.includes(state.open)) closeReader();
  await loadMailboxes();
  await loadList();
  loadQuota();
}

async function deleteSelected() {
  await deleteIds(targets());
}

/** To Trash; in Trash, for good after asking. */
async function deleteIds(ids) {
  if (!ids.length) return;
  const trash = role('trash');
  const inTrash = state.current === trash.id && !state.search;
  if (inTrash) {
    if (!await ask(t('Delete {n} message(s) for good?', { n: ids.length }))) return;
    await state.jmap.call([['Email/set', { destroy: ids }, 'd']]);
    state.selected.clear();
    closeReader();
    await loadMailboxes(); await loadList(); loadQuota();
  } else {
    await moveTo(ids, trash.id);
  }
}

async function emptyTrash() {
  const trash = role('trash');
  if (!await ask(t('Empty the Trash ({n} messages)? This cannot be undone.', { n: trash.totalEmails }))) return;
  for (;;) {
    const r = await state.jmap.call([['Email/query', { filter: { inMailbox: trash.id }, limit: 500 }, 'q']]);
    if (!r.q.ids.length) break;
    await state.jmap.call([['Email/set', { destroy: r.q.ids }, 'd']]);
  }
  status(t('Trash emptied'));
  if (state.current === trash.id) closeReader();
  await loadMailboxes(); await loadList(); loadQuota();
}

async function setKeyword(ids, keyword, on) {
  const update = Object.fromEntries(ids.map(id => [id, { ['keywords/' + keyword]: on ? true : null }]));
  await state.jmap.call([['Email/set', { update }, 's']]);
  for (const id of ids) {
    const e = state.emails.get(id);
    if (e) { if (on) e.keywords[keyword] = true; else delete e.keywords[keyword]; }
  }
  renderList();
}

$('delete').addEventListener('click', deleteSelected);
$('empty-trash').addEventListener('click', emptyTrash);
$('empty-trash-quota').addEventListener('click', emptyTrash);
$('move-to').addEventListener('change', async e => { if (e.target.value) await moveTo(targets(), e.target.value); e.target.value = ''; });
$('mark-read').addEventListener('click', () => {
  const ids = targets();
  const anyUnread = ids.some(id => !state.emails.get(id)?.keywords.$seen);
  setKeyword(ids, '$seen', anyUnread);
});
$('conversations').setAttribute('aria-pressed', String(state.conversations));
$('conversations').addEventListener('click', () => {
  state.conversations = !state.conversations;
  localStorage.setItem('conversations', state.conversations ? 'on' : 'off');
  $('conversations').setAttribute('aria-pressed', String(state.conversations));
  state.position = 0;
  state.selected.clear();
  closeReader();
  loadList();
});

$('mark-flag').addEventListener('click', () => {
  const ids = targets();
  setKeyword(ids, '$flagged', ids.some(id => !state.emails.get(id)?.keywords.$flagged));
});

// ---- reading ----

function closeReader() {
  state.open = null;
  $('reader').replaceChildren(el('p', { class: 'empty', text: t('Select a message to read it.') }));
  document.querySelector('.panes').classList.remove('reading');
}

const READ_PROPERTIES = ['id', 'threadId', 'blobId', 'mailboxIds', 'keywords', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt',
  'receivedAt', 'messageId', 'inReplyTo', 'references', 'textBody', 'htmlBody', 'attachments', 'bodyValues', 'sanitizedHtml', 'preview', 'size'];

/** Opens a list row: the whole conversation when conversations are on and it has several messages, else the message. */
function openRow(id) {
  const e = state.emails.get(id);
  if (state.conversations && e && e.threadSize > 1) return openConversation(id);
  return openEmail(id);
}

/** Headers, actions, body and attachments of one message, for the reader and for each message of a conversation. */
function messageView(e, reopen) {
  const full = { ...state.emails.get(e.id), ...e };
  state.emails.set(e.id, full);
  const remote = state.remote.has(e.id);
  const parts = [];
  parts.push(el('div', { class: 'meta' },
    el('div', { text: t('From: {who}', { who: addr(e.from) }) }), el('div', { text: t('To: {who}', { who: addr(e.to) }) }),
    ...(e.cc ? [el('div', { text: t('Cc: {who}', { who: addr(e.cc) }) })] : []),
    ...(e.bcc ? [el('div', { text: t('Bcc: {who}', { who: addr(e.bcc) }) })] : []),
    el('div', { text: t('Date: {when}', { when: new Date(e.sentAt || e.receivedAt).toLocaleString(locale) }) })));
  parts.push(el('div', { class: 'actions' },
    el('button', { type: 'button', text: t('Reply'), onclick: () => compose('reply', full) }),
    el('button', { type: 'button', text: t('Reply all'), onclick: () => compose('all', full) }),
    el('button', { type: 'button', text: t('Forward'), onclick: () => compose('forward', full) }),
    el('button', { type: 'button', text: t('Delete'), onclick: () => deleteIds([e.id]) }),
    ...(e.keywords?.$draft ? [el('button', { type: 'button', class: 'edit-draft', text: t('Edit draft'), onclick: () => editDraft(e.id) })] : [])));
  if (e.htmlBody.some(p => p.type === 'text/html')) {
    if (!remote && e.sanitizedHtml !== undefined) {
      parts.push(el('p', { class: 'notice' }, t('Remote images are blocked to protect your privacy. '),
        el('button', { type: 'button', class: 'link allow-remote', text: t('Show images'), onclick: () => { state.remote.add(e.id); state.remote.add(e.threadId); reopen(); } })));
    }
    // The server sanitised it; the frame runs no script (empty sandbox) and the page's CSP applies inside.
    const frame = el('iframe', { sandbox: '', title: t('Message content'), referrerpolicy: 'no-referrer', class: 'body' });
    frame.srcdoc = '<!doctype html><meta charset="utf-8"><base target="_blank"><style>body{font:15px system-ui,sans-serif;margin:8px}</style>' + e.sanitizedHtml;
    parts.push(frame);
  } else {
    parts.push(el('pre', { class: 'text', text: e.textBody.map(p => e.bodyValues[p.partId]?.value || '').join('\n') }));
  }
  if (e.attachments.length) {
    const list = el('ul', { class: 'attachments', 'aria-label': t('Attachments') });
    for (const a of e.attachments) {
      list.append(el('li', {}, el('a', { href: state.jmap.downloadUrl(a.blobId, a.name, a.type), download: a.name || 'attachment',
        text: `${a.name || a.type} (${fileSize(a.size)})` })));
    }
    parts.push(el('h3', { text: t('Attachments') }), list);
  }
  return parts;
}

/** A draft back in the compose window, with every body value (its HTML too) to edit. */
async function editDraft(id) {
  const r = await state.jmap.call([['Email/get', { ids: [id], fetchAllBodyValues: true, properties: READ_PROPERTIES }, 'g']]);
  if (r.g.list[0]) compose('draft', r.g.list[0]);
}

function showInReader(parts) {
  $('reader').replaceChildren(el('button', { type: 'button', class: 'back', onclick: closeReader }, icon('back'), t('Back to the list')), ...parts);
  document.querySelector('.panes').classList.add('reading');
}

async function openEmail(id) {
  state.open = id;
  const r = await state.jmap.call([['Email/get', {
    ids: [id], fetchTextBodyValues: true, allowRemoteImages: state.remote.has(id), properties: READ_PROPERTIES }, 'g']]);
  const e = r.g.list[0];
  if (!e) return closeReader();
  if (!e.keywords.$seen) setKeyword([id], '$seen', true);
  const view = messageView(e, () => openEmail(id));
  renderList();
  showInReader([el('h2', { text: e.subject || t('(no subject)') }), ...view]);
}

/**
 * A conversation (JMAP thread, RFC 8621 §3): its messages oldest first, each a disclosure
 * (collapse/expand with a click or Enter); the newest and the unread ones open. Opening it marks
 * them read.
 */
async function openConversation(id) {
  state.open = id;
  const threadId = state.emails.get(id).threadId;
  const r = await state.jmap.call([
    ['Thread/get', { ids: [threadId] }, 't'],
    ['Email/get', { '#ids': { resultOf: 't', name: 'Thread/get', path: '/list/*/emailIds' }, fetchTextBodyValues: true,
      allowRemoteImages: state.remote.has(threadId), properties: READ_PROPERTIES }, 'g'],
  ]);
  const emails = r.g.list.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  if (!emails.length) return closeReader();
  const unread = emails.filter(e => !e.keywords.$seen).map(e => e.id);
  if (unread.length) setKeyword(unread, '$seen', true);
  renderList();
  const latest = emails[emails.length - 1];
  const items = emails.map(e => {
    const d = el('details', { class: 'conv' }, el('summary', {},
      el('span', { class: 'who', text: names(e.from) || t('(unknown)') }), el('span', { class: 'when', text: fmtDate(e.receivedAt) }),
      el('span', { class: 'preview', text: e.preview || '' })), ...messageView(e, () => openConversation(id)));
    d.open = e === latest || unread.includes(e.id);
    return d;
  });
  showInReader([el('h2', { text: latest.subject || t('(no subject)') }),
    el('p', { class: 'hint', text: t('{n} messages in this conversation', { n: emails.length }) }), ...items]);
}

// ---- compose, reply, forward, drafts ----

/** An identity's signature as it stands in a plain-text body: under the usual "-- " line (RFC 3676 §4.3). */
const signatureOf = i => (i && i.textSignature ? '\n\n-- \n' + i.textSignature : '');

async function loadIdentities() {
  state.identities = (await state.jmap.call([['Identity/get', { ids: null }, 'i']])).i.list;
}

/** The account's own address until Identity/get has answered (the server's identity I0). */
function identities() {
  return state.identities.length ? state.identities : [{ id: 'I0', name: '', email: state.user, textSignature: '' }];
}

function chosenIdentity() {
  return identities().find(i => i.id === $('c-from').value) || identities()[0];
}

/** The identity a reply goes out as: the one the message was sent to, else the account's own. */
function identityFor(addresses) {
  const to = new Set((addresses || []).map(a => a.email.toLowerCase()));
  return identities().find(i => to.has(i.email.toLowerCase())) || identities()[0];
}

function compose(kind, original) {
  state.attachments = [];
  state.draftId = kind === 'draft' ? original.id : null;
  state.composeContext = { kind, original };
  for (const id of ['c-error', 'c-saved']) $(id).textContent = '';
  $('c-files').value = '';
  let to = '', cc = '', bcc = '', subject = '', body = '', html = null;
  state.quoteIntro = null;
  const from = kind === 'draft' ? identityFor(original.from) : identityFor(original ? [...(original.to || []), ...(original.cc || [])] : []);
  $('c-from').replaceChildren(...identities().map(i => el('option', { value: i.id, text: i.name ? `${i.name} <${i.email}>` : i.email })));
  $('c-from').value = from.id;
  state.signature = signatureOf(from);
  const text = e => (e.textBody || []).map(p => e.bodyValues?.[p.partId]?.value || '').join('\n');
  if (kind === 'draft') {
    to = addr(original.to); cc = addr(original.cc); bcc = addr(original.bcc); subject = original.subject || '';
    body = text(original);
    const htmlPart = (original.htmlBody || []).find(p => p.type === 'text/html');
    if (htmlPart) html = cleanHtml(original.bodyValues?.[htmlPart.partId]?.value || '');
    for (const a of original.attachments || []) state.attachments.push({ blobId: a.blobId, type: a.type, name: a.name, size: a.size });
  } else if (kind === 'reply' || kind === 'all') {
    to = addr(original.replyTo || original.from);
    if (kind === 'all') {
      const mine = new Set(identities().map(i => i.email.toLowerCase()));
      cc = [...(original.to || []), ...(original.cc || [])].filter(a => !mine.has(a.email.toLowerCase())).map(a => a.email).join(', ');
    }
    subject = /^re:/i.test(original.subject || '') ? original.subject : 'Re: ' + (original.subject || '');
    state.quoteIntro = '\n\n' + t('On {date}, {who} wrote:', { date: new Date(original.sentAt || original.receivedAt).toLocaleString(locale), who: addr(original.from) });
    body = state.signature + state.quoteIntro + '\n'
      + text(original).split('\n').map(l => '> ' + l).join('\n');
  } else if (kind === 'forward') {
    subject = 'Fwd: ' + (original.subject || '');
    body = '\n\n' + t('The forwarded message is attached.') + state.signature;
    state.attachments.push({ blobId: original.blobId, type: 'message/rfc822', name: (original.subject || 'message') + '.eml', size: original.size });
    for (const a of original.attachments || []) state.attachments.push({ blobId: a.blobId, type: a.type, name: a.name, size: a.size });
  } else {
    body = state.signature;
  }
  renderAttachments();
  $('c-to').value = to; $('c-cc').value = cc; $('c-bcc').value = bcc; $('c-subject').value = subject; $('c-body').value = body;
  $('c-html').replaceChildren(); // the last message's editor content is not this one's
  setFormatting(html !== null || localStorage.getItem('formatting') === 'on', html);
  $('compose-title').textContent = kind === 'new' ? t('New message') : subject || t('Draft');
  state.savedAs = JSON.stringify(draftObject()); // what is already in Drafts (or nothing worth saving)
  $('compose-dialog').showModal();
  (to ? (state.formatting ? $('c-html') : $('c-body')) : $('c-to')).focus();
  if (!state.formatting) $('c-body').setSelectionRange(0, 0);
}

// ---- formatting: the editor and the plain textarea hold the same message; switching converts ----

function setFormatting(on, html = null) {
  state.formatting = on;
  $('c-format').setAttribute('aria-pressed', String(on));
  $('c-tools').hidden = !on;
  $('c-html').hidden = !on;
  $('c-body').hidden = on;
  if (on) $('c-html').innerHTML = html !== null ? html : textToHtml($('c-body').value, state.signature);
  else if ($('c-html').innerHTML) $('c-body').value = plainText($('c-html'));
  if (!on) $('c-html').replaceChildren();
}

/** What the editor shows, as plain text for the text/plain alternative: as rendered, quotes marked with "> ". */
function plainText(editor) {
  const box = el('div', { style: 'position:absolute;left:-9999px;width:60em;white-space:pre-wrap' }); // pre-wrap: "-- " keeps its space
  box.innerHTML = clean(editor); // cleaned: nothing in it loads or runs
  document.body.append(box); // innerText needs the element rendered to turn <br> and blocks into lines
  for (const q of [...box.querySelectorAll('blockquote')].reverse()) { // the innermost first: nested quotes get "> > "
    const d = document.createElement('div');
    d.innerText = q.innerText.replace(/\n+$/, '').split('\n').map(l => '> ' + l).join('\n');
    q.replaceWith(d);
  }
  const text = box.innerText;
  box.remove();
  return text.replace(/\u00a0/g, ' ').replace(/\n{3,}/g, '\n\n'); // the editor's no-break spaces are plain ones in text
}

$('c-format').addEventListener('click', () => {
  setFormatting(!state.formatting);
  localStorage.setItem('formatting', state.formatting ? 'on' : 'off');
  (state.formatting ? $('c-html') : $('c-body')).focus();
});
wireToolbar($('c-tools'), $('c-html'), () => ask(t('Link to (https://…)'), true, 'https://'));

/** Changing From swaps the signature if the old one is still there as it was put in. */
$('c-from').addEventListener('change', () => {
  const next = signatureOf(chosenIdentity());
  if (state.formatting) {
    const block = $('c-html').querySelector('[data-signature]');
    if (block) block.innerHTML = textToHtml(next.replace(/^\n+/, ''));
    else if (next) $('c-html').insertAdjacentHTML('beforeend', '<div data-signature="">' + textToHtml(next.replace(/^\n+/, '')) + '</div>');
  } else {
    const body = $('c-body').value;
    const at = state.signature ? body.indexOf(state.signature) : -1;
    if (at >= 0) $('c-body').value = body.slice(0, at) + next + body.slice(at + state.signature.length);
    else if (next) { // above the quoted text, if there is one
      const quote = state.quoteIntro ? body.indexOf(state.quoteIntro) : -1;
      $('c-body').value = quote < 0 ? body + next : body.slice(0, quote) + next + body.slice(quote);
    }
  }
  state.signature = next;
});

// ---- attachments: chosen or dropped, counted against the server's limit ----

function attachmentLimit() {
  return state.session?.accounts?.[state.jmap.accountId]?.accountCapabilities?.['urn:ietf:params:jmap:mail']?.maxSizeAttachmentsPerEmail || 0;
}

function renderAttachments() {
  $('c-attached').replaceChildren(...state.attachments.map((a, n) => el('li', {}, el('span', { text: `${a.name || a.type} (${fileSize(a.size || 0)}) ` }),
    el('button', { type: 'button', class: 'link', text: t('Remove'), 'aria-label': t('Remove {name}', { name: a.name || t('Attachments') }),
      onclick: () => { state.attachments.splice(n, 1); renderAttachments(); draftChanged(); } }))));
  const total = state.attachments.reduce((t, a) => t + (a.size || 0), 0);
  const limit = attachmentLimit();
  $('c-size').textContent = !state.attachments.length ? '' : limit ? t('Attachments: {size} of {limit}', { size: fileSize(total), limit: fileSize(limit) }) : t('Attachments: {size}', { size: fileSize(total) });
  $('c-size').classList.toggle('over', limit > 0 && total > limit);
}

async function attach(files) {
  const limit = attachmentLimit();
  for (const f of files) {
    const total = state.attachments.reduce((t, a) => t + (a.size || 0), 0);
    if (limit && total + f.size > limit) { $('c-error').textContent = t('{name} is too large: attachments may be {limit} in all.', { name: f.name, limit: fileSize(limit) }); continue; }
    try {
      status(t('Attaching {name}', { name: f.name }));
      const up = await state.jmap.upload(f);
      state.attachments.push({ blobId: up.blobId, type: f.type || 'application/octet-stream', name: f.name, size: up.size });
    } catch (err) { $('c-error').textContent = err.message; }
  }
  renderAttachments();
  draftChanged();
}

$('c-files').addEventListener('change', e => attach([...e.target.files]));
const dialog = $('compose-dialog');
dialog.addEventListener('dragover', e => {
  if (![...e.dataTransfer.types].includes('Files')) return;
  e.preventDefault();
  dialog.classList.add('dropping');
});
dialog.addEventListener('dragleave', e => { if (e.target === dialog) dialog.classList.remove('dropping'); });
dialog.addEventListener('drop', e => {
  if (!e.dataTransfer.files.length) return;
  e.preventDefault(); // the files are attached, not opened by the browser (nor pasted into the editor)
  dialog.classList.remove('dropping');
  attach([...e.dataTransfer.files]);
});

function parseAddresses(text) {
  return text.split(',').map(s => s.trim()).filter(Boolean).map(s => {
    const m = s.match(/^(.*)<([^>]+)>$/);
    return m ? { name: m[1].trim().replace(/^"|"$/g, '') || null, email: m[2].trim() } : { name: null, email: s };
  });
}

function draftObject() {
  const drafts = role('drafts');
  const o = state.composeContext?.original;
  const i = chosenIdentity();
  const email = {
    mailboxIds: { [drafts.id]: true }, keywords: { $draft: true, $seen: true },
    from: [{ name: i.name || null, email: i.email }], to: parseAddresses($('c-to').value), subject: $('c-subject').value,
    attachments: state.attachments.map(a => ({ blobId: a.blobId, type: a.type, name: a.name, disposition: 'attachment' })),
  };
  if (state.formatting) {
    // Two alternatives (RFC 2046 §5.1.4): the plain text for programs that show no HTML, and the cleaned HTML.
    email.bodyValues = { t: { value: plainText($('c-html')) }, h: { value: htmlDocument(clean($('c-html'))) } };
    email.textBody = [{ partId: 't', type: 'text/plain' }];
    email.htmlBody = [{ partId: 'h', type: 'text/html' }];
  } else {
    email.bodyValues = { t: { value: $('c-body').value } };
    email.textBody = [{ partId: 't', type: 'text/plain' }];
  }
  if (i.replyTo) email.replyTo = i.replyTo;
  const cc = parseAddresses($('c-cc').value);
  if (cc.length) email.cc = cc;
  // Kept in the Sent copy for the sender; the server takes the field out of what it sends (RFC 8621 §7.5).
  const bcc = parseAddresses($('c-bcc').value);
  if (bcc.length) email.bcc = bcc;
  const kind = state.composeContext.kind;
  if (kind === 'draft') { // as the draft had them
    if (o.inReplyTo) email.inReplyTo = o.inReplyTo;
    if (o.references) email.references = o.references;
  } else if (o && (kind === 'reply' || kind === 'all') && o.messageId) {
    email.inReplyTo = o.messageId;
    email.references = [...(o.references || []), ...o.messageId];
  }
  return email;
}

// ---- drafts: saved by hand, and on their own a few seconds after the last change ----

/** Replaces the last saved draft with what the window holds now (one call: create the new, destroy the old). */
async function saveDraft() {
  const email = draftObject();
  const json = JSON.stringify(email);
  if (json === state.savedAs) return true;
  const set = { create: { d: email } };
  if (state.draftId) set.destroy = [state.draftId];
  const r = await state.jmap.call([['Email/set', set, 's']]);
  if (firstError(r.s.notCreated)) { $('c-error').textContent = firstError(r.s.notCreated); return false; }
  state.draftId = r.s.created.d.id;
  state.savedAs = json;
  $('c-saved').textContent = t('Draft saved at {time}', { time: new Date().toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) });
  return true;
}

const AUTOSAVE_MS = () => Number(localStorage.getItem('autosave-seconds') ?? 5) * 1000;
function draftChanged() {
  clearTimeout(state.autosave);
  if (!$('compose-dialog').open) return;
  state.autosave = setTimeout(() => {
    if (!$('compose-dialog').open) return;
    if (state.saving) { state.saving.then(draftChanged); return; } // one save at a time; this change after it
    state.saving = saveDraft().catch(e => { $('c-error').textContent = e.message; }).finally(() => { state.saving = null; });
  }, AUTOSAVE_MS());
}
for (const id of ['c-to', 'c-cc', 'c-bcc', 'c-subject', 'c-body', 'c-html', 'c-from']) $(id).addEventListener('input', draftChanged);
$('c-from').addEventListener('change', draftChanged);

$('c-draft').addEventListener('click', async () => {
  clearTimeout(state.autosave);
  await state.saving;
  if (!(await saveDraft())) return;
  $('compose-dialog').close();
  status(t('Draft saved'));
  await loadMailboxes(); loadQuota();
});

/**
 * Send waits a few seconds (5, or localStorage "undo-seconds") with an Undo button: Undo brings the
 * message back into the editor untouched; nothing reached the server meanwhile.
 */
$('c-send').addEventListener('click', () => {
  if (!$('c-to').value.trim() && !$('c-cc').value.trim() && !$('c-bcc').value.trim()) { $('c-error').textContent = t('Who is it for?'); return; }
  const limit = attachmentLimit();
  if (limit && state.attachments.reduce((t, a) => t + (a.size || 0), 0) > limit) { $('c-error').textContent = t('The attachments are too large together.'); return; }
  clearTimeout(state.autosave);
  const seconds = Number(localStorage.getItem('undo-seconds') ?? 5);
  $('compose-dialog').close();
  if (!(seconds > 0)) { send(); return; }
  const bar = $('undo-bar');
  let left = seconds;
  const tick = () => { $('undo-text').textContent = t('Sending in {n} s', { n: left }); };
  tick();
  bar.hidden = false;
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) return tick();
    clearInterval(timer);
    bar.hidden = true;
    send();
  }, 1000);
  $('undo').onclick = () => {
    clearInterval(timer);
    bar.hidden = true;
    $('compose-dialog').showModal();
    status(t('Not sent'));
  };
  $('undo').focus();
});

async function send() {
  await state.saving;
  const drafts = role('drafts');
  const sent = role('sent');
  let r;
  try {
    // The message is created once more as it stands; the autosaved draft goes (RFC 8620 §5.3: create before destroy).
    r = await state.jmap.call([
      ['Email/set', { create: { d: draftObject() }, ...(state.draftId ? { destroy: [state.draftId] } : {}) }, 's'],
      ['EmailSubmission/set', {
        create: { x: { identityId: chosenIdentity().id, emailId: '#d' } },
        onSuccessUpdateEmail: { '#x': { ['mailboxIds/' + drafts.id]: null, ['mailboxIds/' + sent.id]: true, 'keywords/$draft': null } },
      }, 'x'],
    ]);
  } catch (err) { return sendFailed(err.message); }
  const failed = firstError(r.s.notCreated) || firstError(r.x.notCreated);
  if (failed) {
    if (r.s.created?.d) { state.draftId = r.s.created.d.id; state.savedAs = null; } // the message stays in Drafts, not twice
    return sendFailed(failed);
  }
  state.draftId = null;
  const o = state.composeContext?.original;
  if (o && ['reply', 'all'].includes(state.composeContext.kind)) setKeyword([o.id], '$answered', true);
  status(t('Sent'));
  await loadMailboxes(); loadQuota(); loadList();
}

/** The message comes back into the editor with what went wrong. */
function sendFailed(why) {
  $('compose-dialog').showModal();
  $('c-error').textContent = why;
}

$('c-cancel').addEventListener('click', async () => {
  clearTimeout(state.autosave);
  await state.saving;
  $('compose-dialog').close();
  if (state.draftId) { status(t('Kept in Drafts')); loadMailboxes(); }
});
$('compose').addEventListener('click', () => compose('new'));

async function loadContacts() {
  const sent = role('sent');
  const r = await state.jmap.call([
    ['Email/query', { filter: { inMailbox: sent.id }, limit: 200 }, 'q'],
    ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['to', 'cc'] }, 'g'],
    ['Email/query', { filter: { inMailbox: role('inbox').id }, limit: 200 }, 'q2'],
    ['Email/get', { '#ids': { resultOf: 'q2', name: 'Email/query', path: '/ids' }, properties: ['from'] }, 'g2'],
  ]);
  const seen = new Map();
  for (const e of [...r.g.list, ...r.g2.list]) for (const a of [...(e.to || []), ...(e.cc || []), ...(e.from || [])]) seen.set(a.email, a);
  $('contacts').replaceChildren(...[...seen.values()].map(a => el('option', { value: a.name ? `${a.name} <${a.email}>` : a.email })));
}

// ---- storage at the bottom left ----

async function loadQuota() {
  const r = await state.jmap.call([['Quota/get', { ids: ['Qstorage'] }, 'q']]);
  const q = r.q.list[0];
  const unlimited = q.hardLimit >= 9007199254740991;
  const mb = n => (n / 1024 / 1024).toFixed(1);
  const pct = unlimited ? 0 : Math.min(100, Math.round(q.used * 100 / Math.max(1, q.hardLimit)));
  $('quota-text').textContent = unlimited ? t('{used} MB used', { used: mb(q.used) }) : t('{used} MB of {limit} MB used', { used: mb(q.used), limit: mb(q.hardLimit) });
  $('quota-fill').style.width = pct + '%';
  $('quota-fill').classList.toggle('high', pct >= 90);
  document.querySelector('#quota .bar').setAttribute('aria-valuenow', String(pct));
}

// ---- keyboard ----

document.addEventListener('keydown', e => {
  if (e.target.closest('input, textarea, select, dialog')) return;
  if (e.ctrlKey && e.key === 'b') { e.preventDefault(); toggleFolders(); return; }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const i = state.ids.indexOf(state.open);
  switch (e.key) {
    case 'j': if (i + 1 < state.ids.length) openRow(state.ids[i + 1]); break;
    case 'k': if (i > 0) openRow(state.ids[i - 1]); break;
    case 'c': e.preventDefault(); compose('new'); break;
    case 'r': if (state.open) compose('reply', state.emails.get(state.open)); break;
    case 'a': if (state.open) compose('all', state.emails.get(state.open)); break;
    case 'f': if (state.open) compose('forward', state.emails.get(state.open)); break;
    case 'u': $('mark-read').click(); break;
    case 's': $('mark-flag').click(); break;
    case 'Delete': case '#': deleteSelected(); break;
    case '/': e.preventDefault(); $('search').focus(); break;
    default: return;
  }
});

start();
