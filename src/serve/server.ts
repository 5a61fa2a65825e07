import { Hono, type Context as HonoContext } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../store/db.js';
import { parseLine, triageQueue, TriageSession } from '../app/triage.js';
import { LibraryScreening } from '../app/screening.js';
import { dismissPaper, tagPaper, untagPaper } from '../app/tagging.js';
import { findPapers, paperHistory, showPaper } from '../app/library.js';
import { claimSummaries } from '../app/claims.js';
import { reasonChoices } from '../app/reasons.js';
import { agreementFromLibrary, conflictsFromLibrary, teamLog } from '../app/team.js';
import { recentRuns } from '../app/queries.js';
import { reportFromLibrary } from '../app/report.js';
import { attachChanges } from '../app/report-changes.js';
import { selectExport } from '../app/export.js';
import { accountStamp, checkLogin, hasAccounts, validateUserName } from '../app/users.js';
import { listClaims } from '../store/claims.js';
import { parsePmid, parseStance, type Stance } from '../evidence/claims.js';
import { parseReviewerPair } from '../evidence/agreement.js';
import { readCalendarDate } from '../evidence/dates.js';
import type { PaperFilter } from '../store/library.js';
import { EXPORT_FORMATS, lookupFormat, renderExport } from '../export/formats.js';
import { renderReportHtml } from '../report/report-html.js';
import { renderReportMarkdown } from '../report/report-markdown.js';
import { renderReportText } from '../report/report-text.js';
import { renderAgreement, renderLog } from '../report/team-views.js';
import { renderRuns } from '../report/search-views.js';
import { renderTagChange } from '../report/views.js';
import { PLAIN } from '../report/colour.js';
import { jsonText, visibleText } from '../report/visible.js';
import {
  eventText, filterForms, renderCard, renderClaims, renderConflicts, renderDownloads, renderErrorPage, renderLogin,
  renderPaperDetail, renderPapers, renderSummary, renderTextView, renderTriagePage, type PageFrame,
} from '../report/web-pages.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import { APP_CSS, APP_JS } from './assets.js';
import { csrfMatches, LoginThrottle, SessionStore, type WebSession } from './auth.js';

/** The cookie that carries the session id. */
export const SESSION_COOKIE = 'claimwatch_session';
/** How long a write waits for another process's lock before it is answered with 503 (ms): the CLI's busy timeout. */
export const WRITE_WAIT_MS = 60_000;
/** How often a waiting write tries the lock again (ms); also this connection's own busy timeout. */
const LOCK_POLL_MS = 25;
/** The largest request body accepted (bytes): a note or a reason is far smaller. */
export const BODY_LIMIT = 64 * 1024;

/** What the server needs: the open library, where it listens, a clock, and (for tests) how it waits. */
export interface ServeAppOptions {
  db: Db;
  /** The address it is bound to: a loopback address lets a reviewer pick a name when there are no accounts. */
  host: string;
  now: () => string;
  sleep?: (ms: number) => Promise<void>;
  bodyLimit?: number;
  /** How long a write waits for another process's lock (default WRITE_WAIT_MS). */
  writeWaitMs?: number;
  /** Where a failure the server did not expect is described (never a request body, cookie or password). */
  logError?: (line: string) => void;
}

/** The running state a test can look into: sessions, the login throttle, and the delays it decided. */
export interface ServeApp {
  app: Hono;
  sessions: SessionStore;
  throttle: LoginThrottle;
  /** Every wait the throttle imposed on a login attempt (ms), in order. */
  loginDelays: number[];
}

/** True for the loopback addresses, where one trusted machine may pick reviewer names. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

const VIEW_LIMIT = 200;

function wantsJson(c: HonoContext): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

/** The form or JSON fields of a request, as strings. */
async function fields(c: HonoContext): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  const out: Record<string, string> = {};
  if (type.includes('application/json')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new UsageError('the request body is not JSON: send a JSON object or a form');
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    }
    return out;
  }
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody();
    } catch {
      throw new UsageError('the request body is not a readable form: send it as application/x-www-form-urlencoded');
    }
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function limitOf(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`--limit takes a positive whole number up to ${Number.MAX_SAFE_INTEGER}, not '${v}'`);
  }
  return Number(v);
}

const FILTERS: readonly PaperFilter[] = ['all', 'inbox', 'tagged', 'untagged', 'dismissed'];

/** Builds the web application over one open library. */
export function createServeApp(o: ServeAppOptions): ServeApp {
  const { db } = o;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const loopback = isLoopback(o.host);
  const sessions = new SessionStore();
  const throttle = new LoginThrottle();
  const loginDelays: number[] = [];
  const app = new Hono<{ Variables: { session: WebSession | undefined } }>();
  const passwords = (): boolean => hasAccounts(db);

  // better-sqlite3 waits for a lock synchronously, which would stop every reviewer's requests while an
  // import holds the library. So this connection waits at most a moment, and a write that finds the
  // library locked waits here, asynchronously, for up to WRITE_WAIT_MS (the CLI's own busy timeout):
  // the others' pages and reads go on meanwhile.
  db.pragma(`busy_timeout = ${LOCK_POLL_MS}`);
  const writing = async <T>(fn: () => T): Promise<T> => {
    const deadline = Date.now() + (o.writeWaitMs ?? WRITE_WAIT_MS);
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
        await new Promise<void>((r) => setTimeout(r, LOCK_POLL_MS));
      }
    }
    // The write runs whole inside the lock: the app's own transactions become savepoints of this one.
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  };

  const frame = (s: WebSession, title: string, active?: string): PageFrame => ({ title, reviewer: s.reviewer, csrf: s.csrf, active });
  const activeClaims = (): { id: string; slug: string; keywords: string[] }[] => listClaims(db).filter((c) => !c.retiredAt);
  const knownReviewers = (): string[] => db.prepare(
    'SELECT reviewer FROM tags UNION SELECT reviewer FROM dismissals ORDER BY 1',
  ).pluck().all() as string[];

  const fail = (c: HonoContext, status: 400 | 403 | 404 | 409 | 503, message: string): Response => {
    const s = c.get('session') as WebSession | undefined;
    if (wantsJson(c) || c.req.method !== 'GET' && !(c.req.header('content-type') ?? '').includes('form')) {
      return c.json({ error: visibleText(message) }, status);
    }
    return c.html(renderErrorPage({ title: '', reviewer: s?.reviewer ?? null, csrf: s?.csrf ?? '' }, status, message), status);
  };

  app.onError((e, c) => {
    const err = e as { code?: string; message?: string };
    if (e instanceof ClaimwatchError) return fail(c, e.exitCode === 2 ? 400 : 503, e.message);
    if (err.code === 'SQLITE_BUSY') return fail(c, 503, 'the database is busy: another claimwatch process holds it; try again when it finishes');
    // Only the route and the error's own message: never a body, a cookie or a password.
    o.logError?.(`serve: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${visibleText(err.message ?? String(e))}`);
    return c.json({ error: 'the server failed on this request: see its log; nothing half-written was kept' }, 500);
  });
  app.notFound((c) => fail(c, 404, `no page at ${new URL(c.req.url).pathname}: the views are listed at the top of every page`));

  // Headers first: nothing from elsewhere may run or frame the pages; no page is cached.
  app.use('*', async (c, next) => {
    if (loopback) {
      // DNS rebinding: a page of another site that resolves to 127.0.0.1 sends its own host name.
      const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
      if (!isLoopback(host)) return c.text('Error: this server answers only to the loopback address it listens on', 403);
    }
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    if (!c.res.headers.get('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // Bodies are capped while they are read (hono's bodyLimit stops a chunked body at the limit too).
  const limit = o.bodyLimit ?? BODY_LIMIT;
  app.use('*', bodyLimit({
    maxSize: limit,
    onError: (c) => fail(c, 400, `the request body is larger than ${limit} bytes: send a shorter note or reason`),
  }));

  // The session, and the CSRF token on every state-changing request.
  app.use('*', async (c, next) => {
    const s = sessions.get(getCookie(c, SESSION_COOKIE));
    c.set('session', s);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin && origin !== 'null' && originHost(origin) !== c.req.header('host')) return fail(c, 403, 'a request from another site: refused');
      if (!s) return fail(c, 403, 'no session: load the page again and retry');
      const sent = c.req.header('x-csrf-token') ?? (await fields(c)).csrf;
      if (!csrfMatches(s, sent)) return fail(c, 403, 'the form is missing its CSRF token or it is stale: load the page again and retry');
    }
    return next();
  });

  app.get('/assets/app.css', (c) => c.body(APP_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600' }));
  app.get('/assets/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' }));

  const setSession = (c: HonoContext, s: WebSession): void => {
    setCookie(c, SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'Strict', path: '/' });
  };

  app.get('/login', (c) => {
    let s = c.get('session');
    if (!s) {
      s = sessions.create();
      setSession(c, s);
    }
    return c.html(renderLogin({ csrf: s.csrf, passwords: passwords(), known: passwords() ? [] : knownReviewers() }));
  });

  app.post('/login', async (c) => {
    const old = c.get('session')!;
    const f = await fields(c);
    const name = (f.name ?? '').trim();
    if (passwords()) {
      const keys = [`name:${name.toLowerCase()}`, `ip:${remoteAddress(c)}`];
      const delay = throttle.delayMs(keys);
      if (delay > 0) {
        loginDelays.push(delay);
        await sleep(delay);
      }
      const who = await checkLogin(db, name, f.password ?? '');
      if (!who) {
        throttle.fail(keys);
        const n = throttle.attempts(keys[0]!);
        return c.html(renderLogin({
          csrf: old.csrf, passwords: true, known: [], name,
          error: `wrong name or password: try again${n >= 3 ? ' (after repeated failures each attempt waits longer)' : ''}`,
        }), 401);
      }
      throttle.succeed(keys);
      const s = sessions.login(old, who);
      s.account = accountStamp(db, who);
      setSession(c, s);
      return c.redirect('/triage', 303);
    }
    if (!loopback) return fail(c, 403, 'this server needs accounts: add one with claimwatch users add NAME');
    let reviewer: string;
    try {
      reviewer = validateUserName(name);
    } catch (e) {
      return c.html(renderLogin({ csrf: old.csrf, passwords: false, known: knownReviewers(), error: (e as Error).message }), 400);
    }
    const s = sessions.login(old, reviewer);
    setSession(c, s);
    return c.redirect('/triage', 303);
  });

  app.post('/logout', (c) => {
    sessions.end(c.get('session')!);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  // Everything below needs a reviewer; with accounts, one whose account and password are still those of the login.
  app.use('*', async (c, next) => {
    const s = c.get('session');
    if (s?.reviewer && passwords() && accountStamp(db, s.reviewer) !== s.account) {
      sessions.end(s);
      c.set('session', undefined);
    } else if (s?.reviewer) return next();
    if (c.req.method === 'GET' && !wantsJson(c)) return c.redirect('/login', 303);
    return fail(c, 403, 'not logged in: open /login and pick your name or log in');
  });

  app.get('/', (c) => c.redirect('/triage', 303));

  // ------------------------------------------------------------------ triage
  // One ranking for the whole team (it learns from everyone's decisions) and one per blind reviewer (from
  // theirs only), shared by their sessions: the ranking holds every paper's vectors, too much to build per tab.
  let teamRanking: LibraryScreening | undefined;
  const blindRankings = new Map<string, LibraryScreening>();
  const rankingFor = (s: WebSession): LibraryScreening => {
    if (!s.blind) return (teamRanking ??= new LibraryScreening(db));
    let r = blindRankings.get(s.reviewer!);
    if (!r) blindRankings.set(s.reviewer!, (r = new LibraryScreening(db, s.reviewer!)));
    return r;
  };
  const triageOf = (s: WebSession): NonNullable<WebSession['triage']> => {
    if (!s.triage) {
      const queue = triageQueue(db, { reviewer: s.reviewer! });
      const screening = rankingFor(s);
      // Brought up to date with the decisions made since it was last used.
      screening.refresh();
      s.triage = { session: new TriageSession(db, queue, s.reviewer!, o.now, { blind: s.blind, screening }), message: '' };
    }
    return s.triage;
  };
  const triageInner = (s: WebSession, message: string): { html: string; done: boolean; pmid: number | null } => {
    const t = triageOf(s).session;
    if (t.done) return { html: renderSummary(t.summary(), s.csrf, message), done: true, pmid: null };
    const card = t.card();
    const keywords = activeClaims().flatMap((k) => k.keywords);
    return { html: renderCard(card, { csrf: s.csrf, blind: s.blind, keywords, message, reasons: reasonChoices(db) }), done: false, pmid: card.paper.pmid };
  };

  app.get('/triage', (c) => {
    const s = c.get('session')!;
    const t = triageOf(s);
    const inner = triageInner(s, t.message);
    t.message = '';
    return c.html(renderTriagePage(frame(s, 'Triage', '/triage'), inner.html, s.blind));
  });

  app.post('/triage/act', async (c) => {
    const s = c.get('session')!;
    const f = await fields(c);
    const line = f.line ?? (f.verb ? `${f.verb} ${f.text ?? ''}`.trim() : '');
    const t = triageOf(s);
    const reply = (status: 200 | 400 | 409, message: string, error?: string): Response => {
      const inner = triageInner(s, message);
      if (wantsJson(c)) return c.json({ ...inner, message, ...(error ? { error } : {}) }, status);
      t.message = error ? `Error: ${error}` : message;
      return c.redirect('/triage', 303);
    };
    if (t.session.done) return reply(200, '');
    const card = t.session.card();
    if (f.pmid !== undefined && f.pmid !== String(card.paper.pmid)) {
      return reply(409, '', `this page showed PMID ${visibleText(f.pmid)} but your triage is at PMID ${card.paper.pmid}: nothing was saved; the current card is shown`);
    }
    const parsed = parseLine(line, card.numbering.map((k) => k.id), t.session.claims());
    if (parsed.error) return reply(400, '', parsed.error);
    if (!parsed.action) return reply(400, '', "an action is needed: e.g. '3 s', 'n TEXT', 'd', 'k', 'u', 'next' or 'q'");
    if (parsed.action.type === 'help') return reply(200, '');
    const action = parsed.action;
    const shown = card.paper.pmid;
    const at = t.session.position;
    // Checked again inside the lock: another tab of the session may have moved on while this one waited.
    const event = await writing(() => (t.session.position === at && !t.session.done ? t.session.apply(action) : null));
    if (event === null) return reply(409, '', `your triage moved on from PMID ${shown} in another tab: nothing was saved; the current card is shown`);
    return reply(200, eventText(event));
  });

  app.post('/triage/restart', (c) => {
    const s = c.get('session')!;
    s.triage = undefined;
    return c.redirect('/triage', 303);
  });

  app.post('/triage/blind', async (c) => {
    const s = c.get('session')!;
    const f = await fields(c);
    s.blind = f.blind === '1' || f.blind === 'on' || f.blind === 'true';
    // The ranking learns from other decisions in blind mode, so the session starts again.
    s.triage = undefined;
    return c.redirect('/triage', 303);
  });

  // ------------------------------------------------------------------ tags from the read views
  const changed = (c: HonoContext, text: string, back: string): Response =>
    wantsJson(c) ? c.json({ message: text }) : c.redirect(back, 303);

  app.post('/tag', async (c) => {
    const s = c.get('session')!;
    const f = await fields(c);
    const pmid = parsePmid(f.pmid ?? '');
    const stance: Stance = parseStance(f.stance ?? '');
    const change = await writing(() => tagPaper(db, { pmid, claim: f.claim ?? '', stance, note: f.note || undefined, reviewer: s.reviewer!, at: o.now() }));
    return changed(c, renderTagChange(change, PLAIN), f.back === 'conflicts' ? '/conflicts' : `/papers/${pmid}`);
  });
  app.post('/untag', async (c) => {
    const s = c.get('session')!;
    const f = await fields(c);
    const pmid = parsePmid(f.pmid ?? '');
    const change = await writing(() => untagPaper(db, { pmid, claim: f.claim ?? '', reviewer: s.reviewer!, at: o.now() }));
    return changed(c, renderTagChange(change, PLAIN), `/papers/${pmid}`);
  });
  app.post('/dismiss', async (c) => {
    const s = c.get('session')!;
    const f = await fields(c);
    const pmid = parsePmid(f.pmid ?? '');
    const change = await writing(() => dismissPaper(db, { pmid, reason: f.reason || undefined, reviewer: s.reviewer!, at: o.now() }));
    return changed(c, renderTagChange(change, PLAIN), `/papers/${pmid}`);
  });

  // ------------------------------------------------------------------ read views
  app.get('/papers', (c) => {
    const s = c.get('session')!;
    const filter = (c.req.query('filter') || 'all') as PaperFilter;
    if (!FILTERS.includes(filter)) throw new UsageError(`unknown filter '${filter}': use ${FILTERS.join(', ')}`);
    const claim = c.req.query('claim') || undefined;
    const limit = limitOf(c.req.query('limit'), VIEW_LIMIT);
    const papers = findPapers(db, { filter, claim, limit });
    return c.html(renderPapers(frame(s, 'Papers', '/papers'), papers, { filter, claim, limit, claims: activeClaims() }));
  });
  app.get('/papers/:pmid', (c) => {
    const s = c.get('session')!;
    const pmid = parsePmid(c.req.param('pmid'));
    const paper = showPaper(db, pmid);
    return c.html(renderPaperDetail(frame(s, 'Paper', '/papers'), paper, paperHistory(db, pmid), activeClaims()));
  });
  app.get('/claims', (c) => c.html(renderClaims(frame(c.get('session')!, 'Claims', '/claims'), claimSummaries(db))));
  app.get('/conflicts', (c) => {
    const claim = c.req.query('claim') || undefined;
    return c.html(renderConflicts(frame(c.get('session')!, 'Conflicts', '/conflicts'), conflictsFromLibrary(db, { claim }), { claim, claims: activeClaims() }));
  });
  app.get('/agreement', (c) => {
    const s = c.get('session')!;
    const reviewers = c.req.query('reviewers') || undefined;
    const claim = c.req.query('claim') || undefined;
    const form = filterForms.agreement(reviewers, claim, activeClaims(), knownReviewers());
    const text = reviewers
      ? renderAgreement(agreementFromLibrary(db, { reviewers: parseReviewerPair(reviewers), claim }), PLAIN)
      : 'Name two reviewers to compare, e.g. ann,bob.';
    return c.html(renderTextView(frame(s, 'Agreement', '/agreement'), form, text));
  });
  app.get('/log', (c) => {
    const s = c.get('session')!;
    const sinceIn = c.req.query('since') || undefined;
    const since = sinceIn === undefined ? undefined : readCalendarDate(sinceIn);
    if (since === null) throw new UsageError(`--since takes a date as YYYY-MM-DD or YYYY/MM/DD, such as 2025-01-31, not '${sinceIn}'`);
    const reviewer = c.req.query('reviewer') || undefined;
    const limit = limitOf(c.req.query('limit'), VIEW_LIMIT);
    const text = renderLog(teamLog(db, { since, reviewer, limit }), PLAIN);
    return c.html(renderTextView(frame(s, 'Log', '/log'), filterForms.log(sinceIn, reviewer, limit), text));
  });
  app.get('/runs', (c) => {
    const s = c.get('session')!;
    const limit = limitOf(c.req.query('limit'), 20);
    return c.html(renderTextView(frame(s, 'Runs', '/runs'), filterForms.runs(limit), renderRuns(recentRuns(db, limit), PLAIN)));
  });

  // ------------------------------------------------------------------ the report and the downloads
  const liveReport = (claim: string | undefined): ReturnType<typeof reportFromLibrary> => {
    const now = o.now();
    // A look in the browser is not the lab's report: no snapshot is recorded, as with report --claim.
    return attachChanges(db, reportFromLibrary(db, { claim, now }), { now, save: false });
  };
  app.get('/report', (c) => c.html(renderReportHtml(liveReport(c.req.query('claim') || undefined))));
  app.get('/downloads', (c) => c.html(renderDownloads(frame(c.get('session')!, 'Downloads', '/downloads'), activeClaims())));

  const attachment = (c: HonoContext, text: string, type: string, name: string): Response =>
    c.body(text, 200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` });

  app.get('/download/:file{report\\.(html|md|txt|json)}', (c) => {
    const file = c.req.param('file');
    const r = liveReport(c.req.query('claim') || undefined);
    if (file.endsWith('.html')) return attachment(c, renderReportHtml(r), 'text/html; charset=utf-8', 'claimwatch-report.html');
    if (file.endsWith('.md')) return attachment(c, renderReportMarkdown(r), 'text/markdown; charset=utf-8', 'claimwatch-report.md');
    if (file.endsWith('.txt')) return attachment(c, renderReportText(r, PLAIN), 'text/plain; charset=utf-8', 'claimwatch-report.txt');
    return attachment(c, `${jsonText(r)}\n`, 'application/json', 'claimwatch-report.json');
  });
  app.get('/download/export', (c) => {
    const format = lookupFormat(c.req.query('format') ?? '');
    if (!format) throw new UsageError(`unknown format '${c.req.query('format') ?? ''}': use ${EXPORT_FORMATS.join(', ')}`);
    const claim = c.req.query('claim') || undefined;
    const stanceIn = c.req.query('stance') || undefined;
    if (stanceIn !== undefined && claim === undefined) {
      throw new UsageError('--stance needs --claim: say which claim the stance is about, e.g. --claim C7 --stance supports');
    }
    const sel = selectExport(db, { claim, stance: stanceIn === undefined ? undefined : parseStance(stanceIn) });
    const ext = { ris: 'ris', bibtex: 'bib', csljson: 'json', csv: 'csv' }[format];
    const type = { ris: 'application/x-research-info-systems', bibtex: 'application/x-bibtex', csljson: 'application/json', csv: 'text/csv; charset=utf-8' }[format];
    return attachment(c, renderExport(format, sel.items), type, `claimwatch${sel.claim ? `-${sel.claim}` : ''}.${ext}`);
  });

  return { app: app as unknown as Hono, sessions, throttle, loginDelays };
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function remoteAddress(c: HonoContext): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
