// The one stylesheet and the one script of `claimwatch serve`, served from the package itself (nothing from
// a CDN, no build step). The script only turns the triage keys into the pipe grammar's action lines
// ("C7 s", "n TEXT", "d REASON", "k", "u", "next", "q") and posts them; the server parses them with the
// same parseLine as `triage` reading a pipe, and answers with the next card's HTML.

/** The stylesheet. Colours meet WCAG AA contrast on white. */
export const APP_CSS = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{background:#17324d;color:#fff;padding:.4rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:1rem}
header a{color:#fff}.brand{margin:0;font-weight:700}
nav{display:flex;flex-wrap:wrap;align-items:center;gap:1rem}nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.8rem}
nav a[aria-current]{text-decoration:underline;font-weight:700}.logout{display:inline;margin:0}
main{max-width:80rem;margin:0 auto;padding:.5rem 1rem}main h1{margin:.3rem 0;font-size:1.5rem}
button{font:inherit;padding:.15rem .5rem;border:1px solid #435a70;border-radius:4px;background:#f2f5f8;color:#1a1a1a;cursor:pointer}
button:focus,a:focus,input:focus,select:focus{outline:3px solid #1c5fa8;outline-offset:1px}
.card{border:1px solid #c9d2db;border-radius:6px;padding:.6rem 1rem;display:grid;grid-template-columns:minmax(0,3fr) minmax(20rem,2fr);gap:1.2rem}
@media (max-width:60rem){.card{grid-template-columns:1fr}}
.card p{margin:.3rem 0}.decide{border-left:1px solid #e3e7eb;padding-left:1rem}.decide h3{margin:.2rem 0;font-size:1rem}
.abstract{max-height:60vh;overflow:auto}
.card h2{margin:.2rem 0}.progress,.journal,.types,.screening,.why,.hint,.prompt{color:#4a4a4a}
mark{background:#fff0a8;color:#1a1a1a}.retracted{color:#a01818}
.claims{list-style:none;padding:0}.claim{padding:.1rem 0;border-bottom:1px solid #eee;line-height:1.3}.claim.suggested{background:#f1f7ff}.claim.chosen{outline:3px solid #1c5fa8;background:#e3efff}
.num{display:inline-block;min-width:1.4rem;font-weight:700;color:#0b4f8a}.buttons{display:inline-flex;gap:.3rem;margin:.15rem 0 .15rem 1.4rem}.buttons button{font-size:.8rem;padding:0 .4rem}
.stance.supports{border-color:#1d6b22}.stance.qualifies{border-color:#8a5a00}.stance.contradicts{border-color:#a01818}
.line-form{margin:.4rem 0;display:none}.line-form.open{display:block}
.message{min-height:1.5rem;font-weight:600;color:#14522a}.error{color:#a01818;font-weight:600}
.prompt.stance{color:#0b4f8a;font-weight:700}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
.filters{margin-bottom:1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
pre.text{white-space:pre-wrap;background:#f7f7f7;padding:.8rem;border-radius:4px}
.reasons{margin:.3rem 0;padding-left:1.2rem;list-style:none}.reasons kbd{font-weight:700;color:#0b4f8a;margin-right:.3rem}
.help{border:1px solid #c9d2db;padding:.5rem 1rem;margin-top:1rem}dt{font-weight:700}
`;

/** The script: keys and buttons to action lines, posted with the CSRF token; the reply replaces the card. */
export const APP_JS = `
(function () {
  'use strict';
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var root = document.getElementById('triage');
  if (!root) return;
  var mode = { kind: 'browse' };
  var busy = false;
  function card() { return root.querySelector('.card'); }
  function prompt(text, stance) {
    var p = document.getElementById('prompt');
    if (p) { p.textContent = text; p.className = stance ? 'prompt stance' : 'prompt'; }
  }
  function message(text) {
    var m = root.querySelector('.message');
    if (m) m.textContent = text;
  }
  function choose(id) {
    root.querySelectorAll('.claim.chosen').forEach(function (li) { li.classList.remove('chosen'); });
    if (!id) return;
    var li = root.querySelector('.claim[data-claim="' + id + '"]');
    if (li) li.classList.add('chosen');
  }
  function closeForms() {
    root.querySelectorAll('.line-form').forEach(function (f) { f.classList.remove('open'); });
  }
  function openForm(id) {
    closeForms();
    var f = document.getElementById(id);
    if (!f) return;
    f.classList.add('open');
    var i = f.querySelector('input[name="text"]');
    if (i) { i.value = ''; i.focus(); }
  }
  function send(line) {
    if (busy) return;
    var c = card();
    busy = true;
    var body = new URLSearchParams();
    body.set('line', line);
    body.set('csrf', token);
    if (c) body.set('pmid', c.getAttribute('data-pmid'));
    fetch('/triage/act', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json', 'X-CSRF-Token': token },
      body: body.toString()
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (res) {
      busy = false;
      if (res.j.html) { root.innerHTML = res.j.html; mode = { kind: 'browse' }; }
      if (res.j.error) message('Error: ' + res.j.error);
      document.body.setAttribute('data-actions', String(Number(document.body.getAttribute('data-actions') || '0') + 1));
    }).catch(function () {
      busy = false;
      message('Error: the server did not answer: nothing was saved by this key; try again');
    });
  }
  function numbering() {
    var c = card();
    return c ? (c.getAttribute('data-numbering') || '').split(',').filter(Boolean) : [];
  }
  root.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (!(f instanceof HTMLFormElement) || f.getAttribute('action') !== '/triage/act') return;
    ev.preventDefault();
    var verb = f.getAttribute('data-verb');
    if (verb) {
      var t = (f.querySelector('input[name="text"]').value || '').trim();
      if (verb === 'n' && !t) { closeForms(); message('empty note: nothing saved'); return; }
      send(t ? verb + ' ' + t : verb);
      return;
    }
    var b = ev.submitter;
    if (b && b.name === 'line') send(b.value);
  });
  root.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button[data-key]');
    if (b) { ev.preventDefault(); key(b.getAttribute('data-key')); }
  });
  function key(k) {
    if (/^[1-9]$/.test(k)) {
      var id = numbering()[Number(k) - 1];
      if (!id) { mode = { kind: 'browse' }; message('no claim numbered ' + k); return; }
      mode = { kind: 'stance', claim: id };
      choose(id);
      prompt(id + ' → s supports · q qualifies · c contradicts · esc cancels', true);
      return;
    }
    if (mode.kind === 'stance') {
      var st = { s: 'supports', q: 'qualifies', c: 'contradicts' }[k.toLowerCase()];
      if (st) { var claim = mode.claim; mode = { kind: 'browse' }; choose(null); send(claim + ' ' + st); return; }
      if (k === 'Escape' || k === 'Backspace') { mode = { kind: 'browse' }; choose(null); prompt('cancelled'); return; }
      message(mode.claim + ': s supports, q qualifies, c contradicts (esc cancels)');
      return;
    }
    switch (k) {
      case 'Enter': case ' ': case 'j': send('next'); break;
      case 'n': openForm('note-form'); break;
      case 'd': openForm('dismiss-form'); break;
      case 'k': send('k'); break;
      case 'u': send('u'); break;
      case 'q': send('q'); break;
      case '?': var h = document.getElementById('keys-help'); if (h) h.hidden = !h.hidden; break;
      case 'Escape': closeForms(); break;
      case 's': case 'c': message("press a claim's number first, then s, q or c"); break;
      default: if (k.length === 1) message("unknown key '" + k + "': ? shows the keys");
    }
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
    if (typing) {
      if (ev.key === 'Escape') { closeForms(); t.blur(); message('cancelled'); }
      // As in the terminal: d then a reason's number dismisses with that reason.
      if (t.id === 'dismiss-reason' && !t.value && /^[1-9]$/.test(ev.key) && root.querySelector('.reasons li[data-reason="' + ev.key + '"]')) {
        ev.preventDefault();
        send('d ' + ev.key);
      }
      return;
    }
    if (t && t.tagName === 'BUTTON' && (ev.key === 'Enter' || ev.key === ' ')) return;
    if (ev.key.length === 1 || ev.key === 'Enter' || ev.key === 'Escape' || ev.key === 'Backspace') {
      if (!document.querySelector('.card') && ev.key !== '?') return;
      ev.preventDefault();
      key(ev.key);
    }
  });
})();
`;
