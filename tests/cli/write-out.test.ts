import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/cli/output.js';
import { tempDir } from '../helpers.js';

describe('writeFileAtomic: the temporary file beside the target', () => {
  it('does not follow a symlink planted at the name the temporary file used to have', () => {
    const dir = tempDir();
    const victim = path.join(tempDir(), 'precious.txt');
    fs.writeFileSync(victim, 'not yours\n');
    const out = path.join(dir, 'report.md');
    // The old name was predictable: .<name>.<pid>.tmp beside the target.
    fs.symlinkSync(victim, path.join(dir, `.report.md.${process.pid}.tmp`));
    writeFileAtomic(out, '# report\n', []);
    expect(fs.readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(fs.readFileSync(out, 'utf8')).toBe('# report\n');
  });

  it('never writes through a symlink planted at the temporary name it picks', () => {
    const dir = tempDir();
    const victim = path.join(tempDir(), 'precious.txt');
    fs.writeFileSync(victim, 'not yours\n');
    const out = path.join(dir, 'report.md');
    const names = ['.planted.tmp', '.planted.tmp', '.fresh.tmp'];
    fs.symlinkSync(victim, path.join(dir, '.planted.tmp'));
    // The first two picks land on the planted link; the write goes to a third, new name.
    writeFileAtomic(out, '# report\n', [], { tempName: () => names.shift()! });
    expect(fs.readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(fs.readFileSync(out, 'utf8')).toBe('# report\n');
    expect(fs.lstatSync(path.join(dir, '.planted.tmp')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(dir, '.fresh.tmp'))).toBe(false);
  });

  it('gives up cleanly, writing nothing, when every name it tries is taken', () => {
    const dir = tempDir();
    const victim = path.join(tempDir(), 'precious.txt');
    fs.writeFileSync(victim, 'not yours\n');
    const out = path.join(dir, 'report.md');
    fs.symlinkSync(victim, path.join(dir, '.planted.tmp'));
    expect(() => writeFileAtomic(out, '# report\n', [], { tempName: () => '.planted.tmp' })).toThrow(/cannot write .*report\.md/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(fs.existsSync(out)).toBe(false);
  });
});
