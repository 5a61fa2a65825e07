import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir, type CliResult } from '../helpers.js';

// Issue 11 item 5: text from PubMed, imports, notes and reasons must never reach a terminal as control
// characters. These runs have no TTY, so there is no colour either: any control character other than the
// newline the renderer writes is data that got through.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const ESC = '\u241b'; // ␛, the Control Picture of ESC
const BEL = '\u2407'; // ␇
const BS = '\u2408'; // ␈
const LF = '\u240a'; // ␊

/** The first raw control character in the text, as "U+001B at 123: ...context...", or null. */
function firstControl(text: string): string | null {
  const m = RAW_CONTROL.exec(text);
  if (!m) return null;
  return `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`;
}

function expectSafe(r: CliResult): void {
  expect(r.code).toBe(0);
  expect(firstControl(r.stdout)).toBeNull();
  expect(firstControl(r.stderr)).toBeNull();
}

const HOSTILE_PMID = 11748933; // biopython__pubmed2.xml, first record
const LONG_PMID = 11700088; // biopython__pubmed2.xml, second record
const INBOX_PMID = 12091962; // biopython__pubmed1.xml

describe('control characters in the data never reach the terminal', () => {
  let db: string;
  const run = (args: string[], env: Record<string, string> = {}, input?: string): CliResult => runCli(args, { db, env, input });

  beforeAll(() => {
    const dir = tempDir();
    db = path.join(dir, 'lib.db');
    // A real record whose title carries character references that decode to ESC and BEL, as they can
    // arrive from PubMed: clear the screen, then set the window title.
    const xml = fs.readFileSync(fixture('efetch/biopython__pubmed2.xml'), 'utf8')
      .replace('<ArticleTitle>Is cryopreservation', '<ArticleTitle>&#x1b;[2J&#x1b;]0;pwned&#x7;Is cryopreservation');
    expect(xml).toContain('&#x1b;[2J');
    const hostileXml = path.join(dir, 'hostile.xml');
    fs.writeFileSync(hostileXml, xml);
    const imported = run(['import', hostileXml, fixture('efetch/biopython__pubmed1.xml')]);
    expect(imported.code).toBe(0);

    const sql = new Database(db);
    const authors = JSON.parse((sql.prepare('SELECT authors FROM papers WHERE pmid = ?').get(HOSTILE_PMID) as { authors: string }).authors) as { last: string }[];
    expect(authors.length).toBeGreaterThan(0);
    // An OSC 8 hyperlink in the first author's name, a CSI (C1) and backspaces in the abstract, blink in the journal.
    authors[0]!.last = 'Tad\u001b]8;;https://evil.example/\u0007dei\u001b]8;;\u0007';
    sql.prepare('UPDATE papers SET authors = ?, journal = ?, abstract = abstract || ? WHERE pmid = ?').run(
      JSON.stringify(authors), 'Cryo\u001b[5mbiology', ' Evil \u009b2J tail\b\b\b\b\r\u007fover\u001b[0m.', HOSTILE_PMID);
    // 88 letters, then a clear-screen: `papers` cuts titles at 90 characters, in the middle of the sequence.
    sql.prepare('UPDATE papers SET title = ? WHERE pmid = ?').run(`${'A'.repeat(88)}\u001b[2J and the rest of a long title`, LONG_PMID);
    sql.prepare('UPDATE papers SET title = ? WHERE pmid = ?').run('Inbox \u001b]0;owned\u0007title\u009b31m', INBOX_PMID);
    sql.close();

    // Notes, reasons and a claim statement typed with control characters and a newline that would forge a line.
    expect(run(['tag', String(HOSTILE_PMID), 'C7', 'supports', '--note', 'see\u001b[2J fig\u0007 2\b\b\nforged line'], { CLAIMWATCH_REVIEWER: 'ann' }).code).toBe(0);
    expect(run(['tag', String(HOSTILE_PMID), 'C7', 'contradicts', '--note', 'no\u001b]0;x\u0007pe'], { CLAIMWATCH_REVIEWER: 'carol' }).code).toBe(0);
    expect(run(['tag', String(LONG_PMID), 'C7', 'qualifies', '--note', 'fine'], { CLAIMWATCH_REVIEWER: 'ann' }).code).toBe(0);
    expect(run(['claims', 'add', 'hostile-claim', 'Statement \u001b[2J with\nnewline', '--keywords', 'cryopreservation']).code).toBe(0);
    // A reviewer name from an older version or another library's file, with an escape in it.
    const sql2 = new Database(db);
    sql2.prepare("UPDATE tags SET reviewer = ? WHERE reviewer = 'carol'").run('car\u001b[8mol');
    sql2.close();
  });

  it('show: title, authors, journal, abstract, notes and reviewers are shown with visible placeholders', () => {
    const r = run(['show', String(HOSTILE_PMID)]);
    expectSafe(r);
    expect(r.stdout).toContain(`${ESC}[2J${ESC}]0;pwned${BEL}Is cryopreservation`);
    expect(r.stdout).toContain(`Tad${ESC}]8;;https://evil.example/${BEL}dei`);
    expect(r.stdout).toContain(`Cryo${ESC}[5mbiology`);
    expect(r.stdout).toContain(`see${ESC}[2J fig${BEL} 2${BS}${BS}${LF}forged line`);
    expect(r.stdout).toContain(`car${ESC}[8mol`);
    expect(r.stdout).not.toMatch(/^forged line/m);
  });

  it('papers and inbox: a long title cut in the middle of an escape sequence leaves no part of it', () => {
    const papers = run(['papers']);
    expectSafe(papers);
    const line = papers.stdout.split('\n').find((l) => l.includes(String(LONG_PMID)))!;
    expect(line).toContain(`${'A'.repeat(88)}${ESC}[`);
    expect(line).not.toContain('2J');
    const inbox = run(['inbox']);
    expectSafe(inbox);
    expect(inbox.stdout).toContain(`Inbox ${ESC}]0;owned${BEL}title`);
  });

  it('history and log: a newline in a note cannot forge a line', () => {
    for (const args of [['history', String(HOSTILE_PMID)], ['log']]) {
      const r = run(args);
      expectSafe(r);
      expect(r.stdout).toContain(`see${ESC}[2J fig${BEL} 2${BS}${BS}${LF}forged line`);
      expect(r.stdout).not.toMatch(/^forged line/m);
    }
  });

  it('report as text, Markdown and HTML', () => {
    for (const format of ['text', 'markdown', 'html']) {
      const r = run(['report', '--format', format]);
      expectSafe(r);
      // Markdown escapes the bracket.
      expect(r.stdout).toContain(format === 'markdown' ? `${ESC}\\[2J` : `${ESC}[2J`);
      expect(r.stdout).not.toMatch(/^forged line/m);
      expect(r.stdout).not.toMatch(/^newline/m);
    }
  });

  it('claims list and claims show', () => {
    for (const args of [['claims'], ['claims', 'show', 'hostile-claim'], ['claims', 'show', 'C7']]) {
      const r = run(args);
      expectSafe(r);
      expect(r.stdout).toContain(args.length === 3 && args[2] === 'C7' ? `see${ESC}[2J fig` : `Statement ${ESC}[2J with${LF}newline`);
    }
  });

  it('triage: the card shows the hostile title, authors, abstract, others\' tags and notes safely', () => {
    const r = run(['triage'], {}, 'k\nk\nk\n');
    expectSafe(r);
    expect(r.stdout).toContain(`${ESC}[2J${ESC}]0;pwned${BEL}Is cryopreservation`);
    // The abstract is wrapped, so its words are looked for one by one.
    expect(r.stdout).toContain('Evil \ufffd2J');
    expect(r.stdout).toContain(`tail${BS}${BS}${BS}${BS}\u240d\u2421over${ESC}[0m.`);
    expect(r.stdout).toContain(`car${ESC}[8mol`);
  });

  it('conflicts: titles, reviewer names and notes', () => {
    const r = run(['conflicts']);
    expectSafe(r);
    expect(r.stdout).toContain(`no${ESC}]0;x${BEL}pe`);
  });

  it('dismiss, tag and claims add confirmations', () => {
    const d = run(['dismiss', String(INBOX_PMID), '--reason', 'off\u001b]0;t\u0007topic']);
    expectSafe(d);
    expect(d.stdout).toContain(`off${ESC}]0;t${BEL}topic`);
    expectSafe(run(['tag', String(INBOX_PMID), 'hostile-claim', 'supports']));
    const a = run(['claims', 'add', 'another-claim', 'Bell\u0007 and \u001b[2Jclear']);
    expectSafe(a);
    expect(a.stdout).toContain(`Bell${BEL} and ${ESC}[2Jclear`);
  });

  it('JSON keeps the exact text, with every control character escaped', () => {
    for (const args of [['show', String(HOSTILE_PMID), '--json'], ['report', '--format', 'json']]) {
      const r = run(args);
      expectSafe(r);
      expect(r.stdout).toContain('\\u001b[2J');
    }
    const shown = JSON.parse(run(['show', String(HOSTILE_PMID), '--json']).stdout) as { title: string; abstract: string };
    expect(shown.title).toBe('\u001b[2J\u001b]0;pwned\u0007Is cryopreservation a homogeneous process? Ultrastructure and motility of untreated, prefreezing, and postthawed spermatozoa of Diplodus puntazzo (Cetti).');
    expect(shown.abstract).toContain(' Evil \u009b2J tail\b\b\b\b\r\u007fover\u001b[0m.');
  });
});

describe('reviewer names', () => {
  it('refuses control characters and newlines in --reviewer and CLAIMWATCH_REVIEWER, before the library is touched', () => {
    const db = path.join(tempDir(), 'lib.db');
    for (const [args, env] of [
      [['tag', '1', 'C7', 'supports', '--reviewer', 'ann\n2025-01-01T00:00:00Z  mallory  tag'], {}],
      [['dismiss', '1', '--reviewer', 'ann\u001b[2J'], {}],
      [['tag', '1', 'C7', 'supports'], { CLAIMWATCH_REVIEWER: 'ann\u0007' }],
      [['triage'], { CLAIMWATCH_REVIEWER: 'ann\u009b2J' }],
    ] as [string[], Record<string, string>][]) {
      const r = runCli(args, { db, env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: (--reviewer|CLAIMWATCH_REVIEWER) contains a control character[^\n]*\n$/);
      expect(firstControl(r.stderr)).toBeNull();
      expect(fs.existsSync(db)).toBe(false);
    }
  });
});

describe('error lines', () => {
  it('show the control characters of an argument they echo, not obey them', () => {
    const db = path.join(tempDir(), 'lib.db');
    for (const args of [['tag', '1\u001b[2J', 'C1', 's'], ['claims', 'show', 'C\u001b]0;pwned\u0007']]) {
      const r = runCli(args, { db });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: /);
      expect(firstControl(r.stderr)).toBeNull();
      expect(r.stderr).toContain(ESC);
    }
  });
});
