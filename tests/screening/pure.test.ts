import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

describe('src/screening is pure (STYLE.md)', () => {
  it('imports nothing from src/app, src/store or src/cli, nor fs, sqlite, axios or chalk', () => {
    const dir = path.join(ROOT, 'src', 'screening');
    const bad = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return [...text.matchAll(/^(?:import|export)[^;]*?from\s+'([^']+)';/gms)]
        .map((m) => m[1]!)
        .filter((from) => /^\.\.\/(app|store|cli)\//.test(from) || /^(node:)?fs$|better-sqlite3|axios|chalk/.test(from))
        .map((from) => `${f}: ${from}`);
    });
    expect(fs.readdirSync(dir).length).toBeGreaterThan(3);
    expect(bad).toEqual([]);
  });
});
