import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';

// Commands that send no request must not load the HTTP client or the E-utilities XML parser: axios and
// fast-xml-parser took about 90 ms of a 0.2 s `show`. A preload script records every package the
// process requires (both are loaded through require, see src/eutils/lazy.ts).

const WATCHED = ['axios', 'fast-xml-parser'];

function preload(dir: string): string {
  const file = path.join(dir, 'watch.cjs');
  fs.writeFileSync(
    file,
    `const Module = require('module');
     const fs = require('fs');
     const seen = new Set();
     const load = Module._load;
     Module._load = function (request, ...rest) {
       if (${JSON.stringify(WATCHED)}.includes(request)) seen.add(request);
       return load.call(this, request, ...rest);
     };
     process.on('exit', () => fs.writeFileSync(process.env.WATCH_OUT, JSON.stringify([...seen].sort())));`,
  );
  return file;
}

/** The watched packages a run of `node ARGS` required. */
function loaded(dir: string, args: string[], env: Record<string, string> = {}): string[] {
  const out = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--require', preload(dir), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_REVIEWER: 'tester', WATCH_OUT: out, ...env },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
}

describe('start-up of commands that send no request', () => {
  it('the watch sees a package that is required', () => {
    const dir = tempDir();
    expect(loaded(dir, ['-e', "require('axios'); require('fast-xml-parser')"])).toEqual(WATCHED);
  });

  it('show, tag, inbox and report load neither axios nor fast-xml-parser', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    expect(runCli(['import', fixture('efetch/klortho__efetch.pubmed.xml')], { db }).code).toBe(0);
    const pmid = JSON.parse(runCli(['papers', '--json'], { db }).stdout)[0].pmid as number;
    const env = { CLAIMWATCH_DB: db };
    for (const args of [['show', String(pmid)], ['tag', String(pmid), 'C1', 'supports'], ['inbox'], ['report'], ['queries']]) {
      expect(loaded(dir, [BIN, ...args], env), args.join(' ')).toEqual([]);
    }
  });
});
