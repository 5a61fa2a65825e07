// The pages of `claimwatch serve`: pure renderers from views to HTML. Every data string goes through
// visibleData (control characters shown, not obeyed) and then escapeHtml, so a hostile title or note
// (`<script>`, `"><img onerror>`) is text on the page. The pages load one stylesheet and one script from
// the server itself; the Content-Security-Policy the server sends forbids inline scripts anyway.
import type { Stance } from '../evidence/claims.js';
import type { Conflict } from '../evidence/agreement.js';
import type { ClaimSummary, PaperView, TriageCard, TriageEvent, TriageSummary } from '../evidence/views.js';
import { shortAuthorName } from '../evidence/paper.js';
import { escapeHtml } from './report-html.js';
import { estimateText, renderTriageEvent, screeningLine } from './triage-views.js';
import { PLAIN } from './colour.js';
import { visibleData, visibleText } from './visible.js';

const esc = (s: string | number | null | undefined): string => escapeHtml(s === null || s === undefined ? '' : visibleText(String(s)));

const STANCES: readonly Stance[] = ['supports', 'qualifies', 'contradicts'];
const KEY: Record<Stance, string> = { supports: 's', qualifies: 'q', contradicts: 'c' };

export const pubmedUrl = (pmid: number): string => `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(String(pmid))}/`;
export const doiUrl = (doi: string): string => `https://doi.org/${encodeURI(doi).replace(/[?#]/g, (c) => encodeURIComponent(c))}`;

/** The navigation: every page of the server. */
const NAV: readonly [string, string][] = [
  ['/triage', 'Triage'], ['/papers', 'Papers'], ['/claims', 'Claims'], ['/conflicts', 'Conflicts'],
  ['/agreement', 'Agreement'], ['/log', 'Log'], ['/runs', 'Runs'], ['/report', 'Report'], ['/downloads', 'Downloads'],
];

/** What every page shows around its body. */
export interface PageFrame {
  title: string;
  /** Who is logged in, or null on the login page. */
  reviewer: string | null;
  /** The session's CSRF token, put in a meta tag and in every form. */
  csrf: string;
  /** The path of the current page, marked in the navigation. */
  active?: string;
}

/** The hidden field every form carries. */
export function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${esc(csrf)}">`;
}

/** A whole page. */
export function renderPage(f: PageFrame, body: string): string {
  const nav = f.reviewer === null ? '' : `<nav aria-label="Views"><ul>${NAV.map(([href, label]) =>
    `<li><a href="${href}"${f.active === href ? ' aria-current="page"' : ''}>${label}</a></li>`).join('')}</ul>
<form method="post" action="/logout" class="logout">${csrfField(f.csrf)}<span>Reviewer: <strong>${esc(f.reviewer)}</strong></span> <button type="submit">Log out</button></form></nav>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${esc(f.csrf)}">
<title>${esc(f.title)} · claimwatch</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<header><p class="brand"><a href="/triage">claimwatch</a></p>${nav}</header>
<main id="main">
<h1>${esc(f.title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** The login page: pick a name (loopback, no accounts) or name and password. */
export function renderLogin(o: { csrf: string; passwords: boolean; error?: string; known: readonly string[]; name?: string }): string {
  const err = o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : '';
  // With passwords the page is public: it names no reviewer.
  const list = o.known.length && !o.passwords
    ? `<datalist id="known-reviewers">${o.known.map((n) => `<option value="${esc(n)}"></option>`).join('')}</datalist>` : '';
  const pw = o.passwords
    ? '<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>'
    : '<p class="hint">This server listens on the loopback only: one trusted machine, so you pick your reviewer name.</p>';
  const body = `${err}<form method="post" action="/login" class="login">${csrfField(o.csrf)}
<p><label for="name">Reviewer name</label> <input id="name" name="name" autocomplete="username" required maxlength="64"${o.name ? ` value="${esc(o.name)}"` : ''}${list ? ' list="known-reviewers"' : ''}>${list}</p>
${pw}
<p><button type="submit">${o.passwords ? 'Log in' : 'Start as this reviewer'}</button></p></form>`;
  return renderPage({ title: 'Who is reviewing?', reviewer: null, csrf: o.csrf }, body);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with the given words (case-insensitive, at a word start) wrapped in <mark>; everything escaped. */
export function highlight(text: string, words: readonly string[]): string {
  const list = [...new Set(words.map((w) => w.trim()).filter((w) => w.length >= 3))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return esc(text);
  const re = new RegExp(`\\b(${list.map(escapeRegExp).join('|')})`, 'giu');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(re)) {
    out += esc(text.slice(last, m.index)) + `<mark>${esc(m[0])}</mark>`;
    last = m.index! + m[0].length;
  }
  return out + esc(text.slice(last));
}

function authorsLine(p: PaperView, n = 6): string {
  const names = p.authors.map(shortAuthorName);
  return names.length > n ? `${names.slice(0, n).join(', ')}, et al.` : names.join(', ');
}

function links(p: { pmid: number; doi: string | null }): string {
  return `<a href="${esc(pubmedUrl(p.pmid))}" rel="noreferrer">PubMed ${esc(p.pmid)}</a>${p.doi ? ` · <a href="${esc(doiUrl(p.doi))}" rel="noreferrer">DOI ${esc(p.doi)}</a>` : ''}`;
}

function tagList(card: { paper: PaperView; reviewer: string }, blind: boolean): string {
  const p = card.paper;
  const mine = p.tags.filter((t) => t.reviewer === card.reviewer);
  const others = p.tags.filter((t) => t.reviewer !== card.reviewer);
  const otherDismissals = p.dismissals.filter((d) => d.reviewer !== card.reviewer);
  const items: string[] = [];
  for (const t of mine) items.push(`<li class="mine">Your tag: <strong>${esc(t.claim)} ${esc(t.stance)}</strong>${t.note ? ` — “${esc(t.note)}”` : ''}</li>`);
  if (blind && !mine.length) {
    if (others.length + otherDismissals.length) items.push('<li class="hint">Other reviewers’ tags are hidden (blind) until you tag this paper.</li>');
  } else {
    for (const t of others) items.push(`<li>${esc(t.claim)} ${esc(t.stance)} (${esc(t.reviewer)})${t.note ? ` — “${esc(t.note)}”` : ''}</li>`);
    for (const d of otherDismissals) items.push(`<li>Dismissed by ${esc(d.reviewer)}${d.reason ? `: ${esc(d.reason)}` : ''}</li>`);
  }
  return items.length ? `<ul class="tags">${items.join('')}</ul>` : '';
}

/**
 * The numbered exclusion reasons (`claimwatch reasons`) under the dismissal's field: as in the terminal, a
 * number pressed in the empty field dismisses with that reason; typed words are a reason of their own.
 */
export function dismissReasonList(reasons: readonly { number: number; code: string; label: string }[] = []): string {
  if (!reasons.length) return '';
  return `<ol class="reasons" aria-label="Exclusion reasons">${visibleData(reasons).map((r) =>
    `<li data-reason="${esc(r.number)}"><kbd>${esc(r.number)}</kbd> ${esc(r.label)}</li>`).join('')}</ol>`;
}

/** The triage card: the same fields as the terminal's, buttons for every key, forms for a note and a reason. */
export function renderCard(raw: TriageCard, o: { csrf: string; blind: boolean; keywords: readonly string[]; message?: string; reasons?: readonly { number: number; code: string; label: string }[] }): string {
  const card = visibleData(raw);
  const p = card.paper;
  const numbering = card.numbering.map((c) => c.id);
  const suggested = new Map(card.suggestions.map((s) => [s.claim.id, s]));
  const rows = card.numbering.map((claim, i) => {
    const s = suggested.get(claim.id);
    const why = s ? [typeof s.learned === 'number' ? `learned ${s.learned.toFixed(2)}` : '', s.matched.length ? `matched: ${s.matched.slice(0, 6).join(', ')}` : '']
      .filter(Boolean).join(' · ') : '';
    const buttons = STANCES.map((st) =>
      `<button type="submit" name="line" value="${esc(`${claim.id} ${st}`)}" class="stance ${st}" aria-label="${esc(`${KEY[st]} ${st} ${claim.id}`)}">${KEY[st]} ${st}</button>`).join('');
    return `<li class="claim${s ? ' suggested' : ''}" data-claim="${esc(claim.id)}"><span class="num">${i < 9 ? i + 1 : ''}</span> <strong>${esc(claim.id)}</strong> ${esc(claim.slug)}${why ? ` <span class="why">${esc(why)}</span>` : ''} <br><span class="buttons">${buttons}</span></li>`;
  }).join('\n');
  const meta = [
    p.journal ?? (p.type === 'book' ? 'Book' : null), p.year,
  ].filter((x) => x !== null && x !== undefined).join(', ');
  const abstract = p.abstract
    ? p.abstract.split(/\n+/).map((para) => `<p>${highlight(para, o.keywords)}</p>`).join('')
    : '<p class="hint">(no abstract)</p>';
  const message = o.message ? esc(o.message) : '';
  return `<article class="card" data-pmid="${esc(p.pmid)}" data-numbering="${esc(numbering.join(','))}" aria-labelledby="card-title">
<div class="paper">
<p class="progress">${esc(card.position)} of ${esc(card.total)} · ${links(p)}</p>
<h2 id="card-title">${highlight(p.title ?? '(no title)', o.keywords)}</h2>
${p.authors.length ? `<p class="authors">${esc(authorsLine(p))}</p>` : ''}
${meta ? `<p class="journal">${esc(meta)}</p>` : ''}
${p.publicationTypes.length ? `<p class="types">Types: ${esc(p.publicationTypes.join('; '))}</p>` : ''}
${p.foundBy?.length ? `<p class="types">Found by: ${esc(p.foundBy.map((f) => f.source).join(', '))}</p>` : ''}
${p.retracted ? '<p class="retracted"><strong>RETRACTED</strong>: a tag is kept and shown, but not counted as evidence</p>' : ''}
${tagList(card, o.blind)}
<p class="screening">${esc(screeningLine(card.order, card.score, card.estimate))}</p>
<section class="abstract" aria-label="Abstract" tabindex="0">${abstract}</section>
</div>
<div class="decide">
<p class="message" role="status" aria-live="polite">${message}</p>
<p class="prompt" id="prompt">1-9 claim then s/q/c · n note · d dismiss · k skip · u undo · enter next · ? keys · q quit</p>
<form method="post" action="/triage/act" class="act">${csrfField(o.csrf)}<input type="hidden" name="pmid" value="${esc(p.pmid)}">
<h3>Claims <span class="hint">(suggested first; press the number, then s, q or c)</span></h3>
<ol class="claims">${rows}</ol>
<p class="actions">
<button type="submit" name="line" value="k">k skip</button>
<button type="submit" name="line" value="u">u undo</button>
<button type="submit" name="line" value="next">enter next</button>
<button type="button" data-key="n">n note</button>
<button type="button" data-key="d">d dismiss…</button>
<button type="button" data-key="?">? keys</button>
</p></form>
<form method="post" action="/triage/act" class="line-form" id="note-form" data-verb="n">${csrfField(o.csrf)}<input type="hidden" name="pmid" value="${esc(p.pmid)}"><input type="hidden" name="verb" value="n">
<label for="note-text">Note on your last tag of this paper</label> <input id="note-text" name="text" maxlength="2000"> <button type="submit">Save note</button></form>
<form method="post" action="/triage/act" class="line-form" id="dismiss-form" data-verb="d">${csrfField(o.csrf)}<input type="hidden" name="pmid" value="${esc(p.pmid)}"><input type="hidden" name="verb" value="d">
<label for="dismiss-reason">${o.reasons?.length ? 'Reason: press its number, or type your own (Enter alone: none)' : 'Why it bears on no claim (optional)'}</label> <input id="dismiss-reason" name="text" maxlength="2000"> <button type="submit">Dismiss</button>${dismissReasonList(o.reasons)}</form>
</div>
</article>`;
}

/** One line saying what an action did, without terminal colours. */
export function eventText(e: TriageEvent): string {
  return e.kind === 'help' ? '' : renderTriageEvent(e, PLAIN);
}

/** The keys, as the terminal's ? shows them. */
export function renderKeysHelp(): string {
  return `<section id="keys-help" class="help" aria-label="Keys" hidden>
<h2>Keys</h2>
<dl>
<dt>1-9</dt><dd>choose the claim with that number, then <kbd>s</kbd> supports, <kbd>q</kbd> qualifies, <kbd>c</kbd> contradicts (<kbd>Esc</kbd> cancels)</dd>
<dt>n</dt><dd>a note on the last tag you made on this paper (type it, <kbd>Enter</kbd> saves)</dd>
<dt>d</dt><dd>dismiss the paper (bears on no claim): then a reason’s number, or your own words and <kbd>Enter</kbd>, or <kbd>Enter</kbd> alone for none</dd>
<dt>k</dt><dd>skip it for now</dd>
<dt>Enter, space, j</dt><dd>next paper</dd>
<dt>u</dt><dd>undo the last tag, note, dismissal or skip</dd>
<dt>?</dt><dd>this help</dd>
<dt>q</dt><dd>end the session (right after a digit, q means “qualifies”)</dd>
</dl>
<p>Each action is saved the moment you make it.</p>
</section>`;
}

/** The end of a triage session. */
export function renderSummary(raw: TriageSummary, csrf: string, message = ''): string {
  const s = visibleData(raw);
  const tags = s.tags.supports + s.tags.qualifies + s.tags.contradicts;
  return `<section class="summary" id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Triage${s.quit ? ' ended' : ' done'}: ${esc(s.seen)} of ${esc(s.total)} paper${s.total === 1 ? '' : 's'} seen, by ${esc(s.reviewer)}</h2>
${message ? `<p class="message" role="status">${esc(message)}</p>` : ''}
<ul><li>tagged: ${esc(s.papersTagged)} paper(s), ${tags} tag(s) (${s.tags.supports} supports, ${s.tags.qualifies} qualifies, ${s.tags.contradicts} contradicts)</li>
<li>dismissed: ${esc(s.dismissed)}</li><li>skipped: ${esc(s.skipped)}</li>
${s.estimate ? `<li>screening: ${esc(estimateText(s.estimate))}</li>` : ''}</ul>
<form method="post" action="/triage/restart">${csrfField(csrf)}<button type="submit">Start again with what is left in your inbox</button></form>
</section>`;
}

/** The triage page around a card (or the summary). */
export function renderTriagePage(f: PageFrame, inner: string, blind: boolean): string {
  const toggle = `<form method="post" action="/triage/blind" class="blind">${csrfField(f.csrf)}
<input type="hidden" name="blind" value="${blind ? '0' : '1'}"><p>Blind mode is <strong>${blind ? 'on' : 'off'}</strong>${blind ? ': others’ tags hidden until you tag, ranking learns from your decisions only' : ''}. <button type="submit">${blind ? 'Turn blind mode off' : 'Turn blind mode on'}</button></p></form>`;
  return renderPage(f, `${toggle}<div id="triage">${inner}</div>${renderKeysHelp()}`);
}

function select(name: string, label: string, options: readonly [string, string][], value: string | undefined): string {
  return `<label for="f-${name}">${esc(label)}</label> <select id="f-${name}" name="${name}">${options.map(([v, l]) =>
    `<option value="${esc(v)}"${v === (value ?? '') ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select>`;
}

function input(name: string, label: string, value: string | undefined, extra = ''): string {
  return `<label for="f-${name}">${esc(label)}</label> <input id="f-${name}" name="${name}" value="${esc(value ?? '')}"${extra}>`;
}

function claimOptions(claims: readonly { id: string; slug: string }[], any = 'any claim'): [string, string][] {
  return [['', any], ...claims.map((c): [string, string] => [c.id, `${c.id} ${c.slug}`])];
}

function tagsCell(p: PaperView): string {
  const t = p.tags.map((x) => `${x.claim} ${x.stance} (${x.reviewer})`);
  const d = p.dismissals.map((x) => `dismissed (${x.reviewer})`);
  return esc([...t, ...d].join('; '));
}

/** The papers view: filters, then a table with links to PubMed and the DOI. */
export function renderPapers(f: PageFrame, papers: readonly PaperView[], o: { filter: string; claim?: string; limit: number; claims: readonly { id: string; slug: string }[] }): string {
  const rows = visibleData(papers).map((p) => `<tr><td><a href="/papers/${esc(p.pmid)}">${esc(p.pmid)}</a></td>
<td>${esc(p.title ?? '(no title)')}${p.retracted ? ' <strong class="retracted">RETRACTED</strong>' : ''}</td><td>${esc(p.year)}</td><td>${esc(p.journalAbbrev ?? p.journal)}</td>
<td>${links(p)}</td><td>${tagsCell(p)}</td></tr>`).join('\n');
  const form = `<form method="get" action="/papers" class="filters">
${select('filter', 'Show', [['all', 'all papers'], ['inbox', 'inbox (no one tagged or dismissed)'], ['tagged', 'tagged'], ['untagged', 'untagged'], ['dismissed', 'dismissed']], o.filter)}
${select('claim', 'Claim', claimOptions(o.claims), o.claim)}
${input('limit', 'At most', String(o.limit), ' inputmode="numeric" size="6"')}
<button type="submit">Filter</button></form>`;
  const table = papers.length ? `<table><caption>${papers.length} paper(s)</caption><thead><tr><th scope="col">PMID</th><th scope="col">Title</th><th scope="col">Year</th><th scope="col">Journal</th><th scope="col">Links</th><th scope="col">Tags</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No paper matches.</p>';
  return renderPage(f, form + table);
}

/** One paper: its record, tags, history, and forms to tag, untag or dismiss it as an ordinary tag. */
export function renderPaperDetail(f: PageFrame, raw: PaperView, history: readonly { at: string; actor: string; action: string; claimId: string | null; oldValue: string | null; newValue: string | null; note: string | null }[], claims: readonly { id: string; slug: string }[]): string {
  const p = visibleData(raw);
  const hist = visibleData(history).map((h) => `<li>${esc(h.at)} ${esc(h.actor)} ${esc(h.action)}${h.claimId ? ` ${esc(h.claimId)}` : ''}${h.oldValue || h.newValue ? ` ${esc(h.oldValue ?? '')} → ${esc(h.newValue ?? '')}` : ''}${h.note ? ` — “${esc(h.note)}”` : ''}</li>`).join('');
  const tags = p.tags.map((t) => `<li>${esc(t.claim)} <strong>${esc(t.stance)}</strong> (${esc(t.reviewer)})${t.note ? ` — “${esc(t.note)}”` : ''}</li>`).join('')
    + p.dismissals.map((d) => `<li>Dismissed by ${esc(d.reviewer)}${d.reason ? `: ${esc(d.reason)}` : ''}</li>`).join('');
  const body = `<p>${links(p)}</p>
<h2>${esc(p.title ?? '(no title)')}</h2>
${p.retracted ? '<p class="retracted"><strong>RETRACTED</strong>: a tag is kept and shown, but not counted as evidence</p>' : ''}
<p class="authors">${esc(authorsLine(p, 12))}</p><p class="journal">${esc([p.journal, p.year].filter(Boolean).join(', '))}</p>
<section class="abstract" aria-label="Abstract">${p.abstract ? p.abstract.split(/\n+/).map((x) => `<p>${esc(x)}</p>`).join('') : '<p class="hint">(no abstract)</p>'}</section>
<h2>Tags</h2>${tags ? `<ul class="tags">${tags}</ul>` : '<p>No tag yet.</p>'}
<form method="post" action="/tag" class="tag">${csrfField(f.csrf)}<input type="hidden" name="pmid" value="${esc(p.pmid)}">
${select('claim', 'Claim', claimOptions(claims, 'choose a claim'), undefined)}
${select('stance', 'Stance', STANCES.map((s): [string, string] => [s, s]), undefined)}
${input('note', 'Note', undefined, ' maxlength="2000"')}
<button type="submit">Tag as ${esc(f.reviewer)}</button></form>
<form method="post" action="/dismiss" class="tag">${csrfField(f.csrf)}<input type="hidden" name="pmid" value="${esc(p.pmid)}">
${input('reason', 'Reason', undefined, ' maxlength="2000"')} <button type="submit">Dismiss</button></form>
<h2>History</h2>${hist ? `<ul class="history">${hist}</ul>` : '<p>No change recorded.</p>'}`;
  return renderPage({ ...f, title: `PMID ${p.pmid}` }, body);
}

/** The claims with their counts. */
export function renderClaims(f: PageFrame, raw: readonly ClaimSummary[]): string {
  const rows = visibleData(raw).map((c) => `<tr${c.retiredAt ? ' class="retired"' : ''}><th scope="row">${esc(c.id)}</th><td>${esc(c.slug)}</td><td>${esc(c.statement)}${c.retiredAt ? ' <em>(retired)</em>' : ''}</td>
<td><a href="/papers?filter=tagged&amp;claim=${esc(encodeURIComponent(c.id))}">${c.counts.supports} / ${c.counts.qualifies} / ${c.counts.contradicts}</a></td><td>${c.counts.disputed}</td><td>${c.counts.retracted}</td></tr>`).join('\n');
  return renderPage(f, `<table><thead><tr><th scope="col">Id</th><th scope="col">Slug</th><th scope="col">Statement</th><th scope="col">Supports / qualifies / contradicts</th><th scope="col">Disputed</th><th scope="col">Retracted</th></tr></thead><tbody>${rows}</tbody></table>`);
}

/** The conflicts, each with buttons that resolve it by an ordinary tag of the logged-in reviewer. */
export function renderConflicts(f: PageFrame, raw: readonly Conflict[], o: { claim?: string; claims: readonly { id: string; slug: string }[] }): string {
  const form = `<form method="get" action="/conflicts" class="filters">${select('claim', 'Claim', claimOptions(o.claims), o.claim)} <button type="submit">Filter</button></form>`;
  const items = visibleData(raw).map((c) => `<li class="conflict"><p><a href="/papers/${esc(c.pmid)}">PMID ${esc(c.pmid)}</a> · <a href="${esc(pubmedUrl(c.pmid))}" rel="noreferrer">PubMed</a> · <strong>${esc(c.claim)}</strong> ${esc(c.title ?? '(no title)')}${c.retracted ? ' <strong class="retracted">RETRACTED</strong>' : ''}</p>
<ul>${c.tags.map((t) => `<li>${esc(t.reviewer)}: ${esc(t.stance)}${t.note ? ` — “${esc(t.note)}”` : ''}</li>`).join('')}</ul>
<form method="post" action="/tag">${csrfField(f.csrf)}<input type="hidden" name="back" value="conflicts"><input type="hidden" name="pmid" value="${esc(c.pmid)}"><input type="hidden" name="claim" value="${esc(c.claim)}">
<span>Your stance (${esc(f.reviewer)}):</span> ${STANCES.map((s) => `<button type="submit" name="stance" value="${s}">${s}</button>`).join(' ')}</form></li>`).join('\n');
  return renderPage(f, form + (raw.length ? `<ul class="conflicts">${items}</ul>` : '<p>No conflict: every paper’s reviewers agree on every claim.</p>'));
}

/** A view whose body is the CLI's own text rendering, under a form of filters. */
export function renderTextView(f: PageFrame, filters: string, text: string): string {
  return renderPage(f, `${filters}<pre class="text">${escapeHtml(visibleText(text, true))}</pre>`);
}

/** Filter forms of the agreement, log and runs views. */
export const filterForms = {
  agreement: (reviewers: string | undefined, claim: string | undefined, claims: readonly { id: string; slug: string }[], known: readonly string[]): string =>
    `<form method="get" action="/agreement" class="filters">${input('reviewers', 'Reviewers (a,b)', reviewers, ' required')}
${select('claim', 'Claim', claimOptions(claims, 'every claim'), claim)} <button type="submit">Compare</button>
${known.length ? `<p class="hint">Reviewers in the library: ${esc(known.join(', '))}</p>` : ''}</form>`,
  log: (since: string | undefined, reviewer: string | undefined, limit: number): string =>
    `<form method="get" action="/log" class="filters">${input('since', 'Since (YYYY-MM-DD)', since)} ${input('reviewer', 'Reviewer', reviewer)} ${input('limit', 'At most', String(limit), ' inputmode="numeric" size="6"')} <button type="submit">Filter</button></form>`,
  runs: (limit: number): string =>
    `<form method="get" action="/runs" class="filters">${input('limit', 'At most', String(limit), ' inputmode="numeric" size="6"')} <button type="submit">Show</button></form>`,
};

/** The downloads: the report in every format and the exports, each a file. */
export function renderDownloads(f: PageFrame, claims: readonly { id: string; slug: string }[]): string {
  const report = ['html', 'markdown', 'text', 'json'].map((x) => `<li><a href="/download/report.${x === 'markdown' ? 'md' : x === 'text' ? 'txt' : x}" download>Report (${x})</a></li>`).join('');
  const exp = ['ris', 'bibtex', 'csljson', 'csv'].map((x) => `<li><a href="/download/export?format=${x}" download>Library (${x})</a></li>`).join('');
  const form = `<form method="get" action="/download/export" class="filters">${select('format', 'Format', [['ris', 'RIS'], ['bibtex', 'BibTeX'], ['csljson', 'CSL-JSON'], ['csv', 'CSV']], 'ris')}
${select('claim', 'Claim', claimOptions(claims, 'the whole library'), undefined)}
${select('stance', 'Stance', [['', 'any stance'], ...STANCES.map((s): [string, string] => [s, s])], '')} <button type="submit">Download</button></form>`;
  return renderPage(f, `<p><a href="/report">The live report</a> is the HTML report of <code>claimwatch report --format html</code>, built on each visit.</p>
<h2>The report</h2><ul>${report}</ul><h2>Exports with the tags</h2><ul>${exp}</ul><h2>One claim’s papers</h2>${form}`);
}

/** An error page: the one-line message, as the CLI prints it. */
export function renderErrorPage(f: PageFrame, status: number, message: string): string {
  return renderPage({ ...f, title: status === 404 ? 'Not found' : status === 403 ? 'Refused' : 'Cannot do that' }, `<p class="error" role="alert">Error: ${esc(message)}</p><p><a href="/triage">Back to triage</a></p>`);
}
