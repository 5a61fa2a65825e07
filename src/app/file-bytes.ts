// Reading an import's file: I/O edge. One descriptor per file, read by pieces for the parsers, or straight
// into the caller's buffer once the caller knows where the bytes should go (see importFile's spans).
import fs from 'node:fs';

/** Bytes read from the file at a time, into one buffer used again for every read. */
export const READ_BYTES = 1024 * 1024;
/** The size of the pieces a read is handed on in. */
export const PIECE_BYTES = 64 * 1024;

/**
 * A file open for reading, from its start. Its bytes come either as `pieces()` or, after those have
 * stopped, by `read()` into a buffer of the caller's; `position` is how far the bytes handed on so far
 * reach, whichever way they went, so the two never overlap or leave a gap. Every read of a regular
 * file names its position, so one running ahead (see pieces) moves nothing.
 */
export class OpenFile {
  /** Bytes of the file handed on so far. */
  position = 0;
  private closed = false;

  private constructor(
    private readonly fd: number,
    /** A regular file (not a FIFO or a device, whose read may wait for ever on a writer). */
    readonly regular: boolean,
  ) {}

  static async open(file: string): Promise<OpenFile> {
    const fd = await new Promise<number>((resolve, reject) => fs.open(file, 'r', (e, d) => (e ? reject(e) : resolve(d))));
    const regular = await new Promise<boolean>((resolve) => fs.fstat(fd, (e, st) => resolve(!e && st.isFile())));
    return new OpenFile(fd, regular);
  }

  /** Reads up to `length` bytes at `position` into `buf` at `offset`; 0 at the end of the file. */
  read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    return this.readAt(buf, offset, length, this.position).then((n) => {
      this.position += n;
      return n;
    });
  }

  /**
   * The file's bytes from `position`: read 1 MiB at a time into a buffer kept for the whole file, and handed
   * on in 64 KiB views of it. Each view holds only until the next is asked for: every reader of a plain file
   * copies what it keeps at once (into a string, or a concatenated head). A gzipped file's pieces are copies
   * instead, since the gunzip stream may hold several before it inflates them. Against
   * fs.createReadStream's 64 KiB reads, each into a new buffer, a 20,000-record import went from 2.0-2.05 s
   * to 1.67-1.79 s, within 10 MiB of the peak memory: the main thread is the import's bottleneck, and the
   * stream spent about 0.2 s of it on each read's new buffer and its way through the stream. Pieces, not
   * 1 MiB chunks, because a string of a whole MiB per chunk raised the peak to 237-243 MiB.
   */
  async *pieces(): AsyncGenerator<Buffer> {
    let next: Promise<number> | null = null;
    try {
      // A regular file is read one buffer ahead: the next read runs on libuv's threads while this one's
      // pieces are cut up, instead of the main thread (the import's bottleneck) waiting for each (20,000
      // records: 1.70 -> 1.64 s). Not a FIFO or a device: a read that may never end could not be abandoned.
      const ahead = this.regular;
      const bufs = ahead ? [Buffer.allocUnsafeSlow(READ_BYTES), Buffer.allocUnsafeSlow(READ_BYTES)] : [Buffer.allocUnsafeSlow(READ_BYTES)];
      // Pieces are copied until the file's first two bytes have shown it is not gzip (a FIFO may give them
      // one read at a time).
      const magic: number[] = [];
      let copy: boolean | null = null;
      let readTo = this.position;
      const readNext = (buf: Buffer): Promise<number> => {
        const at = readTo;
        return this.readAt(buf, 0, READ_BYTES, at).then((n) => ((readTo = at + n), n));
      };
      next = readNext(bufs[0] as Buffer);
      for (let k = 0; ; k = (k + 1) % bufs.length) {
        const buf = bufs[k] as Buffer;
        const got = await (next as Promise<number>);
        next = null;
        if (got === 0) return;
        if (ahead) next = readNext(bufs[(k + 1) % bufs.length] as Buffer);
        for (let i = 0; magic.length < 2 && i < got; i++) magic.push(buf[i] as number);
        if (copy === null && magic.length === 2) copy = magic[0] === 0x1f && magic[1] === 0x8b;
        for (let at = 0; at < got; at += PIECE_BYTES) {
          const piece = buf.subarray(at, Math.min(got, at + PIECE_BYTES));
          // Counted as it is handed on: a reader that stops here leaves `position` just past it.
          this.position += piece.length;
          yield copy === false ? piece : Buffer.from(piece);
        }
        if (!ahead) next = readNext(buf);
      }
    } finally {
      // A read still running must end before the descriptor is read again or closed (its number could be
      // reused meanwhile).
      await next?.catch(() => 0);
    }
  }

  /** Closes the descriptor (once). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => fs.close(this.fd, () => resolve()));
  }

  private readAt(buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    // A FIFO or a device has no positions (ESPIPE): it is read in turn, never ahead (see pieces).
    const at = this.regular ? position : null;
    return new Promise<number>((resolve, reject) => fs.read(this.fd, buf, offset, length, at, (e, n) => (e ? reject(e) : resolve(n))));
  }
}
