// The settings dialog: the spam filter's mode (UserSetting), the vacation reply (VacationResponse,
// RFC 8621 §8), and forwarding and filter rules, which become one Sieve script named "webmail"
// (JMAP Sieve, RFC 9661) that the server runs at every delivery. The rules are kept as JSON on the
// script's first line, so the dialog reads back what it wrote; a script made elsewhere (ManageSieve,
// another program) is shown as it is and only replaced when the user says so.

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
    const s = el('select', { 'aria-label': name });
    for (const [k, v] of Object.entries(options)) s.append(el('option', { value: k, text: v }));
    s.value = value;
    return s;
  };
  const field = select('Field', FIELDS, rule.field || 'subject');
  const op = select('Comparison', OPS, rule.op || 'contains');
  const value = el('input', { 'aria-label': 'Text', value: rule.value || '' });
  const action = select('Action', ACTIONS, rule.action || 'move');
  const target = el('input', { 'aria-label': 'Folder or address', list: 's-folders', value: rule.target || '' });
  const remove = el('button', { type: 'button', 'aria-label': 'Remove this rule', text: '✕' });
  const showTarget = () => { target.hidden = !['move', 'forward'].includes(action.value); target.placeholder = action.value === 'forward' ? 'address' : 'folder'; };
  action.addEventListener('change', showTarget);
  showTarget();
  const li = el('li', {}, el('span', { text: 'If' }), field, op, value, el('span', { text: 'then' }), action, target, remove);
  remove.addEventListener('click', () => li.remove());
  li.rule = () => ({ field: field.value, op: op.value, value: value.value.trim(), action: action.value, target: target.value.trim() });
  return li;
}

/** Opens the dialog with what the server holds now. */
export async function openSettings(jmap, mailboxes, status) {
  const d = $('settings-dialog');
  $('s-error').textContent = '';
  $('s-rules').replaceChildren(); // nothing of the last opening shows while this one loads
  const r = await jmap.call([['UserSetting/get', { ids: null }, 'u'], ['VacationResponse/get', { ids: ['singleton'] }, 'v'], ['SieveScript/get', { ids: null }, 's']]);
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
      status('Settings saved');
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
  if (failed.length) throw new Error('The filters were not saved: ' + (failed[0].description || failed[0].type));
}

// ---- password and app passwords: each takes effect at once, apart from Save ----

async function listApps(jmap) {
  const r = await jmap.call([['AppPassword/get', { ids: null }, 'a']]);
  $('s-apps').replaceChildren(...r.a.list.map(p => {
    const revoke = el('button', { type: 'button', text: 'Revoke', 'aria-label': 'Revoke ' + p.name });
    revoke.onclick = async () => {
      const x = (await jmap.call([['AppPassword/set', { destroy: [p.id] }, 'd']])).d;
      if (x.notDestroyed) { $('s-error').textContent = Object.values(x.notDestroyed)[0].description; return; }
      listApps(jmap);
    };
    const used = p.lastUsed ? 'last used ' + new Date(p.lastUsed).toLocaleDateString() : 'never used';
    return el('li', {}, el('span', { text: `${p.name}: ${p.scopes.join(', ').toUpperCase()}, ${used}` }), revoke);
  }));
  if (!r.a.list.length) $('s-apps').append(el('li', { text: 'None yet.' }));
}

async function twoFactorSection(jmap) {
  const on = (await jmap.call([['TwoFactor/get', {}, 't']])).t.enabled;
  $('s-2fa-state').textContent = on ? 'On: signing in here takes a code from your app; mail programs use app passwords.'
    : 'Off: your password alone signs you in.';
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
  $('s-2fa-confirm').onclick = () => send('TwoFactor/confirm', 'Two-step sign-in is on.');
  $('s-2fa-disable').onclick = () => send('TwoFactor/disable', 'Two-step sign-in is off.');
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
    if ($('s-pw-new').value !== $('s-pw-again').value) { $('s-pw-result').textContent = 'The new passwords differ.'; return; }
    try {
      await jmap.call([['Password/change', { oldPassword: $('s-pw-old').value, newPassword: $('s-pw-new').value }, 'p']]);
      $('s-pw-result').textContent = 'Password changed. Sign in again with the new one.';
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
    $('s-app-secret').replaceChildren('Password for ' + made.name + ': ', el('code', { id: 's-app-secret-value', text: made.secret }),
      ' (shown only now: type it into the program)');
    $('s-app-secret').hidden = false;
    $('s-app-name').value = '';
    listApps(jmap);
  };
}
