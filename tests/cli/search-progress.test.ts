import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/output.js';
import { renderProgress } from '../../src/report/search-views.js';
import { FakeEutils } from '../fake-eutils/server.js';
import { tempDir } from '../helpers.js';

function io(env: Record<string, string>, tty: boolean): CliIO & { out: string[]; err: string[]; bars: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const bars: string[] = [];
  return {
    out, err, bars, env: { ...env }, isTTY: tty, stderrIsTTY: tty, columns: 100, progress: (t) => bars.push(t),
    stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => new Date().toISOString(),
  };
}

describe('search progress', () => {
  it('draws a bar', () => {
    expect(renderProgress({ label: 'x: fetching', done: 250, total: 1000 }, 8)).toBe('x: fetching [##......] 250/1000');
    expect(renderProgress({ label: 'x: searching' })).toBe('x: searching');
  });

  it('shows a bar on a terminal only, cleared at the end', async () => {
    const server = new FakeEutils();
    await server.start();
    try {
      server.setSearch('Cdx2 OR intestinal', [10066780]);
      const dir = tempDir();
      const env = { CLAIMWATCH_DB: path.join(dir, 'lib.db'), CLAIMWATCH_EUTILS_URL: server.url, NCBI_EMAIL: 'a@example.org', CLAIMWATCH_PACER_FILE: path.join(dir, 'p.sqlite') };
      const add = io(env, false);
      expect(await main(['queries', 'add', 'cdx2', 'Cdx2 OR intestinal'], add)).toBe(0);
      const tty = io(env, true);
      expect(await main(['search', '--query', 'cdx2'], tty)).toBe(0);
      expect(tty.bars).toContain('cdx2: fetching new papers [####################] 1/1');
      expect(tty.bars[tty.bars.length - 1]).toBe('');
      const pipe = io(env, false);
      expect(await main(['search', '--query', 'cdx2'], pipe)).toBe(0);
      expect(pipe.bars).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
