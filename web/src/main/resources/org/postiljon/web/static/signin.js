// The sign-in form the webmail and the admin UI share: the password, then the code from an
// authenticator app when the account has two-step sign-in on (the server says so with "code").
const $ = id => document.getElementById(id);

/** Wires #login-form; {@code signedIn} gets the session ({username, csrf}) after a good sign-in. */
export function wireSignIn(signedIn) {
  $('login-form').addEventListener('submit', async e => {
    e.preventDefault();
    $('login-error').textContent = '';
    const r = await fetch('/login', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: $('login-user').value, password: $('login-password').value, code: $('login-code').value }),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      $('login-error').textContent = body.detail || 'Sign-in failed';
      if (body.code) { $('login-code').hidden = $('login-code-label').hidden = false; $('login-code').value = ''; $('login-code').focus(); }
      return;
    }
    $('login-code').value = '';
    $('login-password').value = '';
    await signedIn(body);
  });
}
