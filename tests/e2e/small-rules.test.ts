import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

/** Expects exit 2, one `Error:` line matching `message`, nothing on stdout and the library byte for byte unchanged. */
function refused(db: string, args: string[], message: RegExp): void {
  const before = fileHash(db);
  const r = runCli(args, { db });
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^Error: /);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
  expect(fileHash(db)).toBe(before);
}

describe('dismiss, --limit and claim dependencies (issue 11, item 9)', () => {
  const db = path.join(tempDir(), 'lib.db');
  let pmid: string;
  beforeAll(() => {
    expect(runCli(['import', fixture('efetch/biopython__pubmed2.xml')], { db }).code).toBe(0);
    pmid = String(JSON.parse(runCli(['papers', '--json'], { db }).stdout)[0].pmid);
  });
  const history = (): { action: string; note: string | null }[] => JSON.parse(runCli(['history', pmid, '--json'], { db }).stdout);

  it('dismissing a paper already dismissed changes nothing and adds no history event; a new reason is recorded', () => {
    expect(runCli(['dismiss', pmid, '--reason', 'off topic'], { db }).code).toBe(0);
    const events = history().length;
    const again = runCli(['dismiss', pmid], { db });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`PMID ${pmid} already dismissed (tester): nothing changed`);
    expect(runCli(['dismiss', pmid, '--reason', 'off topic'], { db }).code).toBe(0);
    expect(history()).toHaveLength(events);
    expect(JSON.parse(runCli(['show', pmid, '--json'], { db }).stdout).dismissals).toMatchObject([{ reason: 'off topic' }]);
    // A different reason is a change, and the history keeps it.
    expect(runCli(['dismiss', pmid, '--reason', 'animal study'], { db }).code).toBe(0);
    expect(history()).toHaveLength(events + 1);
    expect(history().at(-1)).toMatchObject({ action: 'dismiss', note: 'animal study' });
    expect(runCli(['undismiss', pmid], { db }).code).toBe(0);
  });

  it.each([
    ['inbox', ['inbox', '--limit', '99999999999999999999']],
    ['papers', ['papers', '--limit', '99999999999999999999']],
    ['runs', ['runs', '--limit', '99999999999999999999']],
    ['inbox past 2^53', ['inbox', '--limit', '9007199254740993']],
  ])('%s refuses a --limit too large to be exact', (_name, args) => {
    refused(db, args, /--limit takes a positive whole number up to 9007199254740991, not '\d+'$/m);
  });

  it('claims edit --depends-on refuses a cycle, naming it, and a self-dependency', () => {
    expect(runCli(['claims', 'edit', 'C1', '--depends-on', 'C2'], { db }).code).toBe(0);
    refused(db, ['claims', 'edit', 'C2', '--depends-on', 'C1'], /^Error: C2 cannot depend on C1: C1 already depends on C2 \(C2 → C1 → C2\); leave C1 out of --depends-on$/m);
    expect(runCli(['claims', 'edit', 'C2', '--depends-on', 'C3'], { db }).code).toBe(0);
    refused(db, ['claims', 'edit', 'C3', '--depends-on', 'prosocial-alliance'], /C3 cannot depend on C1: C1 already depends on C3 through C2 \(C3 → C1 → C2 → C3\)/);
    refused(db, ['claims', 'edit', 'C3', '--depends-on', 'C3'], /claim C3 cannot depend on itself/);
    refused(db, ['claims', 'add', 'new-claim', 'A new claim.', '--depends-on', 'C42'], /unknown claim 'C42'/);
  });
});
