import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createXmlParser } from '../../src/pubmed/xml.js';
import type { PaperView } from '../../src/app/library.js';
import type { Colouriser } from '../../src/report/colour.js';
import { jsonText, visibleData, visibleText } from '../../src/report/visible.js';
import { renderHistory, renderPaper, renderPaperList } from '../../src/report/views.js';
import { paperLine } from '../../src/report/search-views.js';
import { renderTriageCard } from '../../src/report/triage-views.js';
import { coldEstimate } from '../../src/screening/screening.js';
import { fixture } from '../helpers.js';

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A colouriser that writes real SGR codes, as chalk does on a terminal. */
const ANSI: Colouriser = {
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
  green: (s) => `\u001b[32m${s}\u001b[39m`,
  yellow: (s) => `\u001b[33m${s}\u001b[39m`,
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  cyan: (s) => `\u001b[36m${s}\u001b[39m`,
  strike: (s) => `\u001b[9m${s}\u001b[29m`,
};
const SGR = /\u001b\[[0-9;]*m/g;

/** The first record of a real efetch file, as `show` gets it, with hostile text put into its fields. */
function hostilePaper(): PaperView {
  const xml = fs.readFileSync(fixture('efetch/biopython__pubmed2.xml'), 'utf8');
  const parser = createXmlParser();
  const items = [...parser.push(xml), ...parser.end()];
  const first = items.find((i) => i.kind === 'paper');
  if (!first || first.kind !== 'paper') throw new Error('no paper in the fixture');
  const { raw: _raw, rawFormat: _format, ...paper } = first.paper;
  return {
    ...paper,
    title: `\u001b[2J\u001b]0;pwned\u0007${paper.title}`,
    abstract: `${paper.abstract}\r\nSecond paragraph \u009b31m red\u0008\u0008.`,
    authors: [{ ...paper.authors[0]!, last: 'Tad\u001b]8;;https://evil.example/\u0007dei' }, ...paper.authors.slice(1)],
    deleted: false, dismissed: false, dismissals: [],
    tags: [{ claim: 'C7', stance: 'supports', note: 'a\nforged line\tand a tab', reviewer: 'ann\u001b[8m', at: '2026-01-02T03:04:05Z' }],
  };
}

describe('visibleText', () => {
  it('maps C0 controls to Control Pictures, DEL to ␡ and C1 to �, one character each', () => {
    expect(visibleText('a\u001b[2Jb')).toBe('a\u241b[2Jb');
    expect(visibleText('\u0000\u0007\u0008\u0009\u000a\u000d\u001f')).toBe('\u2400\u2407\u2408\u2409\u240a\u240d\u241f');
    expect(visibleText('x\u007fy')).toBe('x\u2421y');
    expect(visibleText('\u0080\u009b\u009d\u009f')).toBe('\ufffd\ufffd\ufffd\ufffd');
    const hostile = '\u001b]8;;https://e.example/\u0007link\u001b]8;;\u0007\u009b2J';
    expect(visibleText(hostile)).toHaveLength(hostile.length);
  });

  it('leaves other text alone: accents, U+00A0, Greek, emoji, the very characters after C1', () => {
    const s = 'Università\u00a0di α-synuclein 🧠 \u00a0\u00a1';
    expect(visibleText(s)).toBe(s);
    expect(visibleText('')).toBe('');
  });

  it('keeps line breaks only in a multi-line field, and reads CRLF as one', () => {
    expect(visibleText('one\ntwo')).toBe('one\u240atwo');
    expect(visibleText('one\r\ntwo\rthree\n\nfour', true)).toBe('one\ntwo\u240dthree\n\nfour');
  });

  it('is idempotent', () => {
    const once = visibleText('a\u001b\u0007\n\u009b');
    expect(visibleText(once)).toBe(once);
  });
});

describe('visibleData', () => {
  it('returns clean data as it is, and keeps an object shared twice shared', () => {
    const clean = { title: 'Plain', tags: [{ note: 'ok' }] };
    expect(visibleData(clean)).toBe(clean);
    const alert = { pmid: 1, title: 'Re\u001btracted' };
    const summary = { alerts: [alert], refresh: { changes: [alert, { pmid: 2, title: 'fine' }] } };
    const safe = visibleData(summary);
    expect(safe).not.toBe(summary);
    expect(safe.alerts[0]!.title).toBe('Re\u241btracted');
    expect(safe.refresh.changes[0]).toBe(safe.alerts[0]);
    expect(summary.alerts[0]!.title).toBe('Re\u001btracted');
  });

  it('keeps the paragraphs of an abstract and nothing else', () => {
    expect(visibleData({ abstract: 'a\nb', title: 'a\nb' })).toEqual({ abstract: 'a\nb', title: 'a\u240ab' });
  });
});

describe('renderers with colour on', () => {
  it('renderPaper: only the colouriser\'s own escape codes remain, the data is shown with placeholders', () => {
    const out = renderPaper(hostilePaper(), ANSI, 80);
    expect(out).toMatch(SGR);
    const plain = out.replace(SGR, '');
    expect(plain).not.toMatch(RAW_CONTROL);
    expect(plain).toContain('\u241b[2J\u241b]0;pwned\u2407Is cryopreservation');
    expect(plain).toContain('Tad\u241b]8;;https://evil.example/\u2407dei');
    expect(plain).toContain('"a\u240aforged line\u2409and a tab"');
    expect(plain).toContain('ann\u241b[8m');
    // The abstract keeps its paragraph break, made of the renderer's own newline.
    expect(plain).toMatch(/\nSecond paragraph \ufffd31m red\u2408\u2408\.$/);
    expect(plain).not.toMatch(/^forged line/m);
  });

  it('renderTriageCard and renderHistory', () => {
    const p = hostilePaper();
    const card = renderTriageCard({
      paper: p, position: 1, total: 1, reviewer: 'tester', numbering: [], suggestions: [],
      remaining: 0, order: 'newest', score: null, estimate: coldEstimate(0, 0, 1),
    }, ANSI, { width: 80, rows: 24 });
    expect(card.replace(SGR, '')).not.toMatch(RAW_CONTROL);
    expect(card.replace(SGR, '')).toContain('\u241b[2J');
    const history = renderHistory([{
      id: 1, at: '2026-01-02T03:04:05Z', actor: 'ann', action: 'tag', pmid: p.pmid, claimId: 'C7',
      oldValue: null, newValue: 'supports', note: 'x\n2026-01-01T00:00:00Z  mallory  tag',
    }], ANSI, '');
    expect(history.replace(SGR, '').split('\n')).toHaveLength(1);
  });
});

describe('cutting a title never splits what replaced an escape sequence', () => {
  const title = `${'A'.repeat(88)}\u001b[2J and more words after it`;

  it('papers: the title cut at 90 characters', () => {
    const p = { ...hostilePaper(), title, tags: [] };
    const line = renderPaperList([p], ANSI, '').split('\n')[0]!.replace(SGR, '');
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toContain(`${'A'.repeat(88)}\u241b[`);
    expect(line).not.toContain('2J');
  });

  it('search and fetch: a title clipped with an ellipsis, at every width around the escape', () => {
    for (let width = 100; width <= 140; width++) {
      const line = paperLine({ pmid: 11748933, year: 2001, firstAuthor: 'Tad\u001b]8;;x\u0007dei', title }, width);
      expect(line).not.toMatch(RAW_CONTROL);
    }
  });
});

describe('jsonText', () => {
  it('escapes DEL and C1 as well as C0, and reads back to the same value', () => {
    const value = { title: 'a\u001b[2J\u0007b', abstract: 'c\u009b2J\u007fd\u0085e', n: 1 };
    const text = jsonText(value);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('\\u009b2J\\u007fd\\u0085e');
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText({ a: 'Università' })).toBe(JSON.stringify({ a: 'Università' }, null, 2));
  });
});
