// The settings dialog: the spam filter's mode (UserSetting), the vacation reply (VacationResponse,
// RFC 8621 §8), and forwarding and filter rules, which become one Sieve script named "webmail"
// (JMAP Sieve, RFC 9661) that the server runs at every delivery. The rules are kept as JSON on the
// script's first line, so the dialog reads back what it wrote; a script made elsewhere (ManageSieve,
// another program) is shown as it is and only replaced when the user says so.

import { LANGUAGES, fileSize, folderName, locale, t } from './i18n.js';

const $ = id => document.getElementById(id);
const SCRIPT = 'webmail';
const MARK = '# postiljon-webmail ';
const FIELDS = { from: 'From', to: 'To or Cc', subject: 'Subject' };
const OPS = { contains: 'contains', is: 'is', not: 'does not contain' };
const ACTIONS = { move: 'move to folder', read: 'mark as read', flag: 'flag', trash: 'delete (to Trash)', forward: 'forward a copy to' };

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** A Sieve quoted string (RFC 5228 §2.4.2). */
export function quoted(s) {
  return '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** The Sieve script for the rules and forwarding; null when there is nothing to do. */
export function generate(rules, forward, trashName) {
  const req = new Set();
  const body = [];
  if (forward.to) {
    if (forward.keep) { req.add('copy'); body.push(`redirect :copy ${quoted(forward.to)};`); } else body.push(`redirect ${quoted(forward.to)};`, 'stop;');
  }
  for (const r of rules) {
    if (!r.value) continue;
    const names = r.field === 'to' ? '["to", "cc"]' : quoted(r.field);
    const test = r.op === 'is' ? `header :is ${names} ${quoted(r.value)}`
      : r.op === 'not' ? `not header :contains ${names} ${quoted(r.value)}` : `header :contains ${names} ${quoted(r.value)}`;
    let action;
    switch (r.action) {
      case 'move': if (!r.target) continue; req.add('fileinto'); req.add('mailbox'); action = `fileinto :create ${quoted(r.target)}; stop;`; break;
      case 'read': req.add('imap4flags'); action = 'addflag "\\\\Seen";'; break;
      case 'flag': req.add('imap4flags'); action = 'addflag "\\\\Flagged";'; break;
      case 'trash': req.add('fileinto'); action = `fileinto ${quoted(trashName)}; stop;`; break;
      case 'forward': if (!r.target) continue; req.add('copy'); action = `redirect :copy ${quoted(r.target)};`; break;
      default: continue;
    }
    body.push(`if ${test} { ${action} }`);
  }
  if (!body.length) return null;
  const head = [MARK + JSON.stringify({ rules, forward }), '# Made by the Postiljon webmail: change it there (Settings), or tick "use this script as written".'];
  if (req.size) head.push(`require [${[...req].sort().map(quoted).join(', ')}];`);
  return head.concat(body).join('\n') + '\n';
}

/** The rules and forwarding a script made here holds, or null for a script made elsewhere. */
export function parse(text) {
  if (!text || !text.startsWith(MARK)) return null;
  try {
    const o = JSON.parse(text.slice(MARK.length, text.indexOf('\n')));
    return { rules: Array.isArray(o.rules) ? o.rules : [], forward: o.forward || { to: '', keep: true } };
  } catch (e) {
    return null;
  }
}

function ruleRow(rule, folders) {
  const select = (name, options, value) => {
    const s = el('select', { 'aria-label': t(name) });
    for (const [k, v] of Object.entries(options)) s.append(el('option', { value: k, text: t(v) }));
    s.value = value;
    return s;
  };
  const field = select('Field', FIELDS, rule.field || 'subject');
  const op = select('Comparison', OPS, rule.op || 'contains');
  const value = el('input', { 'aria-label': t('Text'), value: rule.value || '' });
  const action = select('Action', ACTIONS, rule.action || 'move');
  const target = el('input', { 'aria-label': t('Folder or address'), list: 's-folders', value: rule.target || '' });
  const remove = el('button', { type: 'button', 'aria-label': t('Remove this rule'), text: '✕' });
  const showTarget = () => { target.hidden = !['move', 'forward'].includes(action.value); target.placeholder = t(action.value === 'forward' ? 'address' : 'folder'); };
  action.addEventListener('change', showTarget);
  showTarget();
  const li = el('li', {}, el('span', { text: t('If') }), field, op, value, el('span', { text: t('then') }), action, target, remove);
  remove.addEventListener('click', () => li.remove());
  li.rule = () => ({ field: field.value, op: op.value, value: value.value.trim(), action: action.value, target: target.value.trim() });
  return li;
}

// ---- identities (RFC 8621 §6): a name, an address and a plain-text signature each ----

function identityRow(i) {
  const id = i.id || null;
  const name = el('input', { 'aria-label': t('Name'), value: i.name || '', placeholder: t('Your name as readers see it') });
  const email = el('input', { 'aria-label': t('Address'), type: 'email', value: i.email || '', placeholder: 'alias@your.domain' });
  if (id) email.readOnly = true; // RFC 8621 §6: an identity's email cannot change; make a new one
  const signature = el('textarea', { 'aria-label': t('Signature'), rows: '3', placeholder: t('Signature (added under what you write)') });
  signature.value = i.textSignature || '';
  const li = el('li', {}, el('span', { text: t('Name') }), name, el('span', { text: t('Address') }), email, el('span', { text: t('Signature') }), signature);
  if (!id || i.mayDelete) {
    const remove = el('button', { type: 'button', class: 'remove', text: t('Remove this identity') });
    remove.addEventListener('click', () => { li.hidden = true; li.removed = true; });
    li.append(remove);
  }
  li.identity = () => ({ id, removed: !!li.removed, original: i, name: name.value.trim(), email: email.value.trim(), textSignature: signature.value });
  return li;
}

/** The Identity/set arguments for what the rows say: only what changed. */
export function identityChanges(rows) {
  const create = {}, update = {}, destroy = [];
  rows.forEach((r, n) => {
    if (!r.id) {
      if (!r.removed && r.email) create['n' + n] = { name: r.name, email: r.email, textSignature: r.textSignature };
    } else if (r.removed) destroy.push(r.id);
    else if (r.name !== (r.original.name || '') || r.textSignature !== (r.original.textSignature || '')) {
      update[r.id] = { name: r.name, textSignature: r.textSignature };
    }
  });
  return { create, update, destroy };
}

// ---- storage: what each folder takes, the largest first ----

function storage(boxes, quota) {
  const unlimited = quota.hardLimit >= 9007199254740991;
  $('s-storage-total').textContent = unlimited ? t('{used} used', { used: fileSize(quota.used) })
    : t('{used} of {limit} used', { used: fileSize(quota.used), limit: fileSize(quota.hardLimit) });
  const byId = new Map(boxes.map(m => [m.id, m]));
  const path = m => (m.parentId && byId.has(m.parentId) ? path(byId.get(m.parentId)) + ' / ' : '') + folderName(m);
  $('s-storage').tBodies[0].replaceChildren(...[...boxes].sort((a, b) => b.size - a.size).map(m =>
    el('tr', { class: m.role === 'trash' || m.role === 'junk' ? 'emptiable' : '', 'data-role': m.role || '' },
      el('td', { text: path(m) }), el('td', { text: m.totalEmails.toLocaleString(locale) }), el('td', { text: fileSize(m.size) }))));
}

/** Opens the dialog with what the server holds now; saved() runs after a successful Save. */
export async function openSettings(jmap, mailboxes, status, saved = () => {}) {
  const d = $('settings-dialog');
  $('s-error').textContent = '';
  $('s-rules').replaceChildren(); // nothing of the last opening shows while this one loads
  const r = await jmap.call([['UserSetting/get', { ids: null }, 'u'], ['VacationResponse/get', { ids: ['singleton'] }, 'v'], ['SieveScript/get', { ids: null }, 's'],
    ['Identity/get', { ids: null }, 'i'], ['Mailbox/get', { properties: ['name', 'role', 'parentId', 'totalEmails', 'size'] }, 'm'],
    ['Quota/get', { ids: ['Qstorage'] }, 'q']]);
  storage(r.m.list, r.q.list[0]);
  $('s-identities').replaceChildren(...r.i.list.map(identityRow));
  $('s-lang').replaceChildren(el('option', { value: '', text: t('As the browser is set') }),
    ...Object.entries(LANGUAGES).map(([k, v]) => el('option', { value: k, lang: k, text: v })));
  $('s-lang').value = localStorage.getItem('lang') || '';
  $('s-add-identity').onclick = () => { const row = identityRow({}); $('s-identities').append(row); row.querySelector('input').focus(); };
  const settings = Object.fromEntries(r.u.list.map(s => [s.id, s.value]));
  $('s-spam-mode').value = settings['spam.mode'];
  $('s-spam-threshold').value = settings['spam.threshold'];
  const v = r.v.list[0];
  $('s-vac-on').checked = v.isEnabled;
  $('s-vac-from').value = v.fromDate ? v.fromDate.slice(0, 10) : '';
  $('s-vac-to').value = v.toDate ? v.toDate.slice(0, 10) : '';
  $('s-vac-subject').value = v.subject || '';
  $('s-vac-text').value = v.textBody || '';

  const scripts = r.s.list;
  const active = scripts.find(s => s.isActive);
  const mine = scripts.find(s => s.name === SCRIPT);
  const shown = active || mine;
  const text = shown ? await (await fetch(jmap.downloadUrl(shown.blobId, shown.name + '.sieve', 'text/plain'), { credentials: 'same-origin' })).text() : '';
  const made = parse(text);
  const foreign = shown && !made;
  $('s-script').value = text;
  $('s-raw').checked = !!foreign;
  $('s-expert').open = !!foreign;
  const fwd = made ? made.forward : { to: '', keep: true };
  $('s-fwd-to').value = fwd.to || '';
  $('s-fwd-keep').checked = fwd.keep !== false;
  let list = $('s-folders');
  if (!list) { list = el('datalist', { id: 's-folders' }); d.append(list); }
  list.replaceChildren(...mailboxes.map(m => el('option', { value: m.name })));
  $('s-rules').replaceChildren(...(made ? made.rules : []).map(x => ruleRow(x, mailboxes)));
  $('s-add-rule').onclick = () => { const row = ruleRow({}, mailboxes); $('s-rules').append(row); row.querySelector('input').focus(); };
  $('s-cancel').onclick = () => d.close();
  accountSection(jmap);
  $('s-save').onclick = async () => {
    $('s-error').textContent = '';
    try {
      await save(jmap, mailboxes, shown, active, mine);
      d.close();
      status(t('Settings saved'));
      saved();
      if (($('s-lang').value || null) !== localStorage.getItem('lang')) {
        if ($('s-lang').value) localStorage.setItem('lang', $('s-lang').value); else localStorage.removeItem('lang');
        location.reload(); // the page is translated as it loads
      }
    } catch (e) {
      $('s-error').textContent = e.message;
    }
  };
  d.showModal();
}

function day(value, end) {
  return value ? new Date(value + (end ? 'T23:59:59Z' : 'T00:00:00Z')).toISOString().replace('.000Z', 'Z') : null;
}

async function save(jmap, mailboxes, shown, active, mine) {
  const ids = identityChanges([...$('s-identities').children].map(li => li.identity()));
  if (Object.keys(ids.create).length || Object.keys(ids.update).length || ids.destroy.length) {
    const i = (await jmap.call([['Identity/set', ids, 'i']])).i;
    const failed = [...Object.values(i.notCreated || {}), ...Object.values(i.notUpdated || {}), ...Object.values(i.notDestroyed || {})];
    if (failed.length) throw new Error(t('Identity: {why}', { why: failed[0].description || failed[0].type }));
    const rows = [...$('s-identities').children];
    for (const [k, made] of Object.entries(i.created || {})) { // a second Save must not create them again
      const li = rows[Number(k.slice(1))];
      const before = li.identity();
      li.replaceWith(identityRow({ ...before, id: made.id, mayDelete: true }));
    }
  }
  const threshold = $('s-spam-threshold').value.trim();
  const calls = [['UserSetting/set', { update: { 'spam.mode': { value: $('s-spam-mode').value }, 'spam.threshold': { value: threshold } } }, 'u'],
    ['VacationResponse/set', { update: { singleton: {
      isEnabled: $('s-vac-on').checked, fromDate: day($('s-vac-from').value, false), toDate: day($('s-vac-to').value, true),
      subject: $('s-vac-subject').value || null, textBody: $('s-vac-text').value || null,
    } } }, 'v']];
  const r = await jmap.call(calls);
  for (const k of ['u', 'v']) {
    const errors = Object.values(r[k].notUpdated || {});
    if (errors.length) throw new Error(errors[0].description || errors[0].type);
  }

  const trash = mailboxes.find(m => m.role === 'trash');
  const raw = $('s-raw').checked;
  const text = raw ? $('s-script').value
    : generate([...$('s-rules').children].map(li => li.rule()), { to: $('s-fwd-to').value.trim(), keep: $('s-fwd-keep').checked }, trash ? trash.name : 'Trash');
  if (!text || !text.trim()) {
    // No rules, no forwarding (or an empty script): the webmail's script, or with "as written" the active one, is switched off;
    // a script made elsewhere stays on while the user only changed other settings.
    if (active && (raw || active.name === SCRIPT)) await jmap.call([['SieveScript/set', { onSuccessDeactivateScript: true }, 's']]);
    return;
  }
  const blob = await jmap.upload(new Blob([text], { type: 'application/sieve' }));
  const target = raw ? shown || mine : mine;
  const set = target
    ? { update: { [target.id]: { blobId: blob.blobId } }, onSuccessActivateScript: target.id }
    : { create: { w: { name: SCRIPT, blobId: blob.blobId } }, onSuccessActivateScript: '#w' };
  const s = (await jmap.call([['SieveScript/set', set, 's']])).s;
  const failed = Object.values(s.notCreated || {}).concat(Object.values(s.notUpdated || {}));
  if (failed.length) throw new Error(t('The filters were not saved: {why}', { why: failed[0].description || failed[0].type }));
}

// ---- password and app passwords: each takes effect at once, apart from Save ----

async function listApps(jmap) {
  const r = await jmap.call([['AppPassword/get', { ids: null }, 'a']]);
  $('s-apps').replaceChildren(...r.a.list.map(p => {
    const revoke = el('button', { type: 'button', text: t('Revoke'), 'aria-label': t('Revoke {name}', { name: p.name }) });
    revoke.onclick = async () => {
      const x = (await jmap.call([['AppPassword/set', { destroy: [p.id] }, 'd']])).d;
      if (x.notDestroyed) { $('s-error').textContent = Object.values(x.notDestroyed)[0].description; return; }
      listApps(jmap);
    };
    const used = p.lastUsed ? t('last used {date}', { date: new Date(p.lastUsed).toLocaleDateString(locale) }) : t('never used');
    return el('li', {}, el('span', { text: `${p.name}: ${p.scopes.join(', ').toUpperCase()}, ${used}` }), revoke);
  }));
  if (!r.a.list.length) $('s-apps').append(el('li', { text: t('None yet.') }));
}

async function twoFactorSection(jmap) {
  const on = (await jmap.call([['TwoFactor/get', {}, 't']])).t.enabled;
  $('s-2fa-state').textContent = on ? t('On: signing in here takes a code from your app; mail programs use app passwords.')
    : t('Off: your password alone signs you in.');
  $('s-2fa-begin').hidden = on;
  $('s-2fa-setup').hidden = true;
  $('s-2fa-code-row').hidden = !on;
  $('s-2fa-confirm').hidden = true;
  $('s-2fa-disable').hidden = !on;
  $('s-2fa-code').value = '';
  $('s-2fa-begin').onclick = async () => {
    const b = (await jmap.call([['TwoFactor/begin', {}, 'b']])).b;
    $('s-2fa-secret').textContent = b.secret.replace(/(.{4})/g, '$1 ').trim();
    $('s-2fa-uri').href = b.uri;
    $('s-2fa-setup').hidden = false;
    $('s-2fa-code-row').hidden = false;
    $('s-2fa-confirm').hidden = false;
    $('s-2fa-begin').hidden = true;
    $('s-2fa-code').focus();
  };
  const send = async (method, done) => {
    try {
      await jmap.call([[method, { code: $('s-2fa-code').value.trim() }, 'x']]);
      await twoFactorSection(jmap);
      $('s-2fa-result').textContent = done;
    } catch (e) {
      $('s-2fa-result').textContent = e.message;
    }
  };
  $('s-2fa-confirm').onclick = () => send('TwoFactor/confirm', t('Two-step sign-in is on.'));
  $('s-2fa-disable').onclick = () => send('TwoFactor/disable', t('Two-step sign-in is off.'));
}

function accountSection(jmap) {
  $('s-2fa-result').textContent = '';
  twoFactorSection(jmap).catch(e => { $('s-error').textContent = e.message; });
  $('s-pw-result').textContent = '';
  $('s-app-secret').hidden = true;
  for (const id of ['s-pw-old', 's-pw-new', 's-pw-again']) $(id).value = '';
  listApps(jmap).catch(e => { $('s-error').textContent = e.message; });
  $('s-pw-change').onclick = async () => {
    $('s-pw-result').textContent = '';
    if ($('s-pw-new').value !== $('s-pw-again').value) { $('s-pw-result').textContent = t('The new passwords differ.'); return; }
    try {
      await jmap.call([['Password/change', { oldPassword: $('s-pw-old').value, newPassword: $('s-pw-new').value }, 'p']]);
      $('s-pw-result').textContent = t('Password changed. Sign in again with the new one.');
      setTimeout(() => location.reload(), 2500);
    } catch (e) {
      $('s-pw-result').textContent = e.message;
    }
  };
  $('s-app-create').onclick = async () => {
    const scopes = [...document.querySelectorAll('.scopes input:checked')].map(i => i.value);
    const r = (await jmap.call([['AppPassword/set', { create: { n: { name: $('s-app-name').value.trim(), scopes } } }, 'c']])).c;
    if (r.notCreated) { $('s-error').textContent = Object.values(r.notCreated)[0].description; return; }
    const made = r.created.n;
    $('s-app-secret').replaceChildren(t('Password for {name}: ', { name: made.name }), el('code', { id: 's-app-secret-value', text: made.secret }),
      t(' (shown only now: type it into the program)'));
    $('s-app-secret').hidden = false;
    $('s-app-name').value = '';
    listApps(jmap);
  };
}
