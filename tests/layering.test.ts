import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Every `import ... from '...'` of the .ts files in a folder of src, with its file. */
function imports(folder: string): { file: string; line: string; from: string; typeOnly: boolean }[] {
  const dir = path.join(ROOT, 'src', folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...text.matchAll(/^(import|export)(\s+type)?\s[^;]*?from\s+'([^']+)';/gms)].map((m) => ({
      file: `${folder}/${f}`, line: m[0].split('\n')[0]!, from: m[3]!, typeOnly: Boolean(m[2]),
    }));
  });
}

describe('layering (STYLE.md: pure renderers and domain; thin commands)', () => {
  it('src/report, src/evidence, src/export and src/formats import nothing from src/app, src/store or src/cli, nor fs, sqlite, axios or chalk', () => {
    const bad = ['report', 'evidence', 'export', 'formats'].flatMap(imports)
      .filter((i) => /^\.\.\/(app|store|cli)\//.test(i.from) || /^(node:)?fs$|better-sqlite3|axios|chalk/.test(i.from))
      .map((i) => `${i.file}: ${i.line}`);
    expect(bad).toEqual([]);
  });

  it('commands reach the library through src/app: no command calls src/store', () => {
    const bad = imports('cli/commands').filter((i) => /\/store\//.test(i.from) && !i.typeOnly).map((i) => `${i.file}: ${i.line}`);
    expect(bad).toEqual([]);
  });
});
