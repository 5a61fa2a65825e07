import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, metapubPmids, newDb, query, useServers } from './search-support.js';

const server = useServers();

// Letters and digits, as NCBI_API_KEY must be; distinctive enough that no 4 characters of it occur by chance.
const KEY = 'Zq7XkP3mW9vR2tLs8YhN4cBd';
const LEAD = 'API key not accepted for this request: ';

/** Every prefix of the key of 4 characters or more found in `text`. */
function keyPieces(text: string): string[] {
  const found: string[] = [];
  for (let n = 4; n <= KEY.length; n++) if (text.includes(KEY.slice(0, n))) found.push(KEY.slice(0, n));
  return found;
}

describe('a 400 whose <ERROR> echoes the API key (issue 11, item 7)', () => {
  // The reason keeps 160 characters of the ERROR text: these paddings cut it 4, 12 and 20 characters into the key.
  it.each([4, 12, 20])('cut %i characters into the key: no piece of it on stdout, stderr or in the library', async (kept) => {
    const s = await server({ 'mdma-ptsd': metapubPmids().slice(0, 2) }, { today: '2026/11/20' });
    const message = `${LEAD}${'x'.repeat(159 - LEAD.length - kept)}${KEY} (sent as api_key)`;
    s.fault({ kind: 'error-400', endpoint: 'esearch', message });
    const db = newDb();
    const r = await cli(s, db, ['search'], { at: '2026-11-20 03:00:00', env: { NCBI_API_KEY: KEY } });
    expect(s.requests.some((q) => q.fault === 'error-400' && q.params.api_key === KEY)).toBe(true);
    expect(keyPieces(r.stdout)).toEqual([]);
    expect(keyPieces(r.stderr)).toEqual([]);
    for (const file of [db, `${db}-wal`]) {
      if (fs.existsSync(file)) expect(keyPieces(fs.readFileSync(file).toString('latin1')), file).toEqual([]);
    }
    // The failure is reported, and recorded in the run and its search, with what NCBI said up to the cut.
    expect(`${r.stdout}${r.stderr}`).toMatch(/API key not accepted/);
    const errors = query<{ error: string }>(db, 'SELECT error FROM runs WHERE error IS NOT NULL UNION ALL SELECT error FROM run_searches WHERE error IS NOT NULL');
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e.error).toMatch(/API key not accepted for this request: x+\*\*\*/);
  });
});
