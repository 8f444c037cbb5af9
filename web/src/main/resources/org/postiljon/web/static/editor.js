// The compose window's formatting: a contenteditable editor with a small toolbar, and the one way
// its HTML leaves the browser, clean(), which writes out only the elements and attributes below,
// whatever was typed, pasted or dropped in. The same clean() reads a draft back into the editor,
// from a DOMParser document (which runs no script and loads nothing) rather than from raw text.

const KEEP = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'S', 'P', 'DIV', 'BR', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'A', 'PRE', 'CODE', 'H2', 'H3']);
// Their content is not text for the reader: dropped with them.
const DROP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'HEAD', 'TITLE', 'NOSCRIPT', 'SELECT', 'TEXTAREA']);
const SAFE_HREF = /^(https?:|mailto:)/i;

function escape(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The node's content as HTML of the kept elements only; links keep an http(s) or mailto href and nothing else. */
export function clean(node) {
  let out = '';
  for (const c of node.childNodes) {
    if (c.nodeType === Node.TEXT_NODE) { out += escape(c.nodeValue); continue; }
    if (c.nodeType !== Node.ELEMENT_NODE || DROP.has(c.tagName)) continue;
    const tag = c.tagName;
    if (!KEEP.has(tag)) { out += clean(c); continue; }
    const name = tag.toLowerCase();
    if (tag === 'BR') { out += '<br>'; continue; }
    let attrs = '';
    if (tag === 'A') {
      const href = (c.getAttribute('href') || '').trim();
      if (!SAFE_HREF.test(href)) { out += clean(c); continue; }
      attrs = ` href="${escape(href)}"`;
    }
    if (tag === 'DIV' && c.hasAttribute('data-signature')) attrs = ' data-signature=""';
    out += `<${name}${attrs}>${clean(c)}</${name}>`;
  }
  return out;
}

/** HTML for the editor from untrusted HTML (a draft): parsed inertly, then cleaned. */
export function cleanHtml(html) {
  return clean(new DOMParser().parseFromString(html, 'text/html').body);
}

/** A whole HTML document for the message part. */
export function htmlDocument(fragment) {
  return '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + fragment + '</body></html>';
}

/**
 * Plain text as editor HTML: lines kept, runs of ">" quoted lines as a blockquote, and the
 * signature (the exact text given, if the text holds it) as a marked block that can be swapped.
 */
export function textToHtml(text, signature) {
  const at = signature ? text.indexOf(signature) : -1;
  if (at < 0) return convert(text);
  // Nothing written yet: a line to write on and a blank one above the signature, each its own block,
  // so what is typed does not run into the signature's block.
  const before = at === 0 ? '<div><br></div><div><br></div>' : convert(text.slice(0, at));
  return before + '<div data-signature="">' + lines(signature.replace(/^\n+/, '')) + '</div>'
    + convert(text.slice(at + signature.length).replace(/^\n/, ''));
}

function convert(text) {
  let html = '';
  let run = [];
  let quoted = false;
  const flush = () => {
    if (run.length) html += quoted ? '<blockquote>' + lines(run.join('\n')) + '</blockquote>' : lines(run.join('\n'));
    run = [];
  };
  for (const line of text.split('\n')) {
    const q = line.startsWith('>');
    if (q !== quoted) { flush(); quoted = q; }
    run.push(q ? line.replace(/^> ?/, '') : line);
  }
  flush();
  return html;
}

function lines(text) {
  return text.split('\n').map(escape).join('<br>');
}

/** The toolbar's buttons act on the editor (document.execCommand: what every browser's editing supports). */
export function wireToolbar(toolbar, editor, askLink) {
  // A press on a button keeps the focus, and so the caret and selection, in the editor.
  toolbar.addEventListener('mousedown', e => { if (e.target.closest('button')) e.preventDefault(); });
  toolbar.addEventListener('click', async e => {
    const b = e.target.closest('button[data-command]');
    if (!b) return;
    editor.focus();
    const command = b.dataset.command;
    if (command === 'createLink') {
      const selection = getSelection();
      const range = selection.rangeCount ? selection.getRangeAt(0).cloneRange() : null; // the question takes the focus
      const url = await askLink();
      editor.focus();
      if (range) { selection.removeAllRanges(); selection.addRange(range); }
      if (url && SAFE_HREF.test(url.trim())) document.execCommand('createLink', false, url.trim());
    } else if (command === 'formatBlock') {
      document.execCommand('formatBlock', false, b.dataset.value);
    } else {
      document.execCommand(command);
    }
    editor.dispatchEvent(new Event('input'));
  });
}
