// An import's file read by pieces, then straight into a buffer from where the pieces stopped: every byte
// once, in order, whichever piece the pieces stop at (also with a read running ahead), and a FIFO read in
// turn.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenFile, PIECE_BYTES, READ_BYTES } from '../../src/app/file-bytes.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'claimwatch-file-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 3.4 MiB where every 4-byte word is its own offset: a gap, a repeat or a swap shows in the comparison.
const size = 3 * READ_BYTES + 400 * 1024 + 13;
const bytes = Buffer.alloc(size);
for (let i = 0; i + 4 <= size; i += 4) bytes.writeUInt32LE(i, i);
const file = path.join(dir, 'words.bin');
writeFileSync(file, bytes);

/** The first `pieces` pieces, then the rest by read() into buffers of `readSize`. */
async function piecesThenReads(pieces: number, readSize: number): Promise<{ got: Buffer; position: number }> {
  const f = await OpenFile.open(file);
  const parts: Buffer[] = [];
  const it = f.pieces();
  for (let k = 0; k < pieces; k++) {
    const n = await it.next();
    if (n.done) break;
    parts.push(Buffer.from(n.value));
  }
  await it.return(undefined);
  const position = f.position;
  for (;;) {
    const buf = Buffer.alloc(readSize);
    const got = await f.read(buf, 7, readSize - 7);
    if (got === 0) break;
    parts.push(buf.subarray(7, 7 + got));
  }
  await f.close();
  await f.close();
  return { got: Buffer.concat(parts), position };
}

describe('OpenFile', () => {
  it('hands on every byte once whichever piece the pieces stop after, a read running ahead or not', async () => {
    const perRead = READ_BYTES / PIECE_BYTES;
    for (const pieces of [0, 1, perRead - 1, perRead, perRead + 1, 2 * perRead + 3, 1000]) {
      const { got, position } = await piecesThenReads(pieces, 300 * 1024);
      expect(position).toBe(Math.min(size, pieces * PIECE_BYTES));
      expect(got.length).toBe(size);
      expect(got.equals(bytes)).toBe(true);
    }
  });

  it('says a regular file is one, and reads a FIFO in turn, in order, as its writer gives it', async () => {
    expect((await OpenFile.open(file)).regular).toBe(true);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer gives the bytes in bursts with pauses, so reads come back short.
    const writer = spawn('sh', ['-c', `head -c 100000 "${file}"; sleep 0.2; tail -c +100001 "${file}" | head -c 200000`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const sink = await import('node:fs').then((fs) => fs.createWriteStream(fifo));
    writer.stdout.pipe(sink);
    const f = await OpenFile.open(fifo);
    expect(f.regular).toBe(false);
    const parts: Buffer[] = [];
    for await (const piece of f.pieces()) parts.push(Buffer.from(piece));
    await f.close();
    const got = Buffer.concat(parts);
    expect(got.length).toBe(300000);
    expect(got.equals(bytes.subarray(0, 300000))).toBe(true);
    expect(f.position).toBe(300000);
  });
});
