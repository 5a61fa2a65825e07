import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { decideColour, type CliIO } from '../../src/cli/output.js';
import { wrapText } from '../../src/report/views.js';
import { fixture, tempDir } from '../helpers.js';

function memoryIO(env: Record<string, string> = {}, isTTY = false): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err, env: { CLAIMWATCH_REVIEWER: 'tester', ...env }, isTTY, stderrIsTTY: isTTY, columns: 60, progress: () => undefined,
    stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => '2026-11-27T08:00:00.000Z',
  };
}

const ESC = /\u001b\[/;

describe('colour is decided once', () => {
  it('is on for a terminal and off for a pipe, with NO_COLOR or with --no-color', () => {
    expect(decideColour({ env: {}, isTTY: true }, undefined)).toBe(true);
    expect(decideColour({ env: {}, isTTY: false }, undefined)).toBe(false);
    expect(decideColour({ env: { NO_COLOR: '1' }, isTTY: true }, undefined)).toBe(false);
    expect(decideColour({ env: { NO_COLOR: '' }, isTTY: true }, undefined)).toBe(true);
    expect(decideColour({ env: {}, isTTY: true }, false)).toBe(false);
  });

  it('colours the report on a terminal only', async () => {
    const db = path.join(tempDir(), 'lib.db');
    const tty = memoryIO({ CLAIMWATCH_DB: db }, true);
    expect(await main(['report'], tty)).toBe(0);
    expect(tty.out.join('')).toMatch(ESC);
    const noColor = memoryIO({ CLAIMWATCH_DB: db, NO_COLOR: '1' }, true);
    expect(await main(['report'], noColor)).toBe(0);
    expect(noColor.out.join('')).not.toMatch(ESC);
    const flag = memoryIO({ CLAIMWATCH_DB: db }, true);
    expect(await main(['--no-color', 'report'], flag)).toBe(0);
    expect(flag.out.join('')).not.toMatch(ESC);
    const json = memoryIO({ CLAIMWATCH_DB: db }, true);
    expect(await main(['claims', '--json'], json)).toBe(0);
    expect(json.out.join('')).not.toMatch(ESC);
  });
});

describe('exit codes', () => {
  it('maps usage errors to 2, runtime failures to 1, help to 0', async () => {
    const db = path.join(tempDir(), 'lib.db');
    expect(await main(['--help'], memoryIO({ CLAIMWATCH_DB: db }))).toBe(0);
    expect(await main(['tag'], memoryIO({ CLAIMWATCH_DB: db }))).toBe(2);
    expect(await main(['show', '-1'], memoryIO({ CLAIMWATCH_DB: db }))).toBe(2);
    expect(await main(['import', path.join(tempDir(), 'nope.xml')], memoryIO({ CLAIMWATCH_DB: db }))).toBe(1);
    expect(await main(['import', fixture('efetch/biopython__pubmed4.xml')], memoryIO({ CLAIMWATCH_DB: db }))).toBe(0);
  });

  it('prints a stack only with --debug', async () => {
    const db = path.join(tempDir(), 'lib.db');
    const plain = memoryIO({ CLAIMWATCH_DB: db });
    await main(['show', '12345'], plain);
    expect(plain.err).toHaveLength(1);
    const debug = memoryIO({ CLAIMWATCH_DB: db });
    await main(['--debug', 'show', '12345'], debug);
    expect(debug.err.join('\n')).toMatch(/\n\s+at /);
  });
});

describe('show wraps the abstract to the terminal', () => {
  it('keeps every line within the width', async () => {
    const db = path.join(tempDir(), 'lib.db');
    expect(await main(['import', fixture('efetch/biopython__pubmed4.xml')], memoryIO({ CLAIMWATCH_DB: db }))).toBe(0);
    const list = memoryIO({ CLAIMWATCH_DB: db });
    await main(['papers', '--json'], list);
    const [paper] = JSON.parse(list.out.join(''));
    const io = memoryIO({ CLAIMWATCH_DB: db });
    expect(await main(['show', String(paper.pmid)], io)).toBe(0);
    const text = io.out.join('');
    const abstractLines = text.split('\n\n').slice(1).join('\n\n').split('\n');
    expect(abstractLines.length).toBeGreaterThan(1);
    for (const l of abstractLines) if (l.includes(' ')) expect(l.length).toBeLessThanOrEqual(60);
    expect(abstractLines.join(' ').replace(/\s+/g, ' ')).toBe(paper.abstract.replace(/\s+/g, ' '));
  });

  it('wrapText never loses or reorders words', () => {
    const t = 'one two three four five six seven eight nine ten\n\nLABEL: eleven';
    const w = wrapText(t, 12);
    expect(w.replace(/\s+/g, ' ')).toBe(t.replace(/\s+/g, ' '));
    for (const l of w.split('\n')) expect(l.length).toBeLessThanOrEqual(12);
  });
});
