import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, runCliAsync, tempDir } from '../helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n';

/** The first real PubmedArticle of a fixture whose PMID is `pmid`. */
function realRecord(rel: string, pmid: string): string {
  const text = fs.readFileSync(fixture(rel), 'utf8');
  const rec = text.match(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)?.find((r) => r.includes(`<PMID Version="1">${pmid}</PMID>`));
  if (!rec) throw new Error(`no record ${pmid} in ${rel}`);
  return rec;
}

const count = (db: string): number => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT count(*) FROM papers').pluck().get() as number;
  } finally {
    d.close();
  }
};

describe('hostile nesting', () => {
  // Gzip members concatenate into one stream: 100 copies of 2 million start tags, under 600 KB on disk.
  const bomb = (prefix: string): Buffer => {
    const member = zlib.gzipSync(Buffer.from('<a>'.repeat(2_000_000)));
    return Buffer.concat([zlib.gzipSync(Buffer.from(`${XML_HEAD}${prefix}`)), ...Array.from({ length: 100 }, () => member)]);
  };

  it('200 million nested elements fail the file with one line instead of crashing Node', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    for (const [name, prefix, message] of [
      ['outside.xml.gz', '', /nested more than 256 deep/],
      ['inside.xml.gz', '<PubmedArticle><MedlineCitation>', /record 1 is over 64 MiB without its end tag <\/PubmedArticle>/],
    ] as const) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bomb(prefix));
      const r = runCli(['import', file], { db });
      expect(r.code, name).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^Error: /);
      expect(r.stderr).not.toMatch(/FATAL|invalid size|Invalid string length|\n\s+at /);
    }
  });

  it('nesting deeper than 256 inside a record names the record', () => {
    const dir = tempDir();
    const rec = realRecord('efetch/biopython__pubmed1.xml', '12091962').replace(
      'The treatment of AIDS', `${'<i>'.repeat(300)}The treatment of AIDS${'</i>'.repeat(300)}`,
    );
    const file = path.join(dir, 'deep.xml');
    fs.writeFileSync(file, `${XML_HEAD}${rec}\n</PubmedArticleSet>\n`);
    for (const threads of ['0', '1']) {
      const r = runCli(['import', file, '--threads', threads], { db: path.join(dir, `lib${threads}.db`) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/record 1 \(PMID 12091962\): elements nested more than 256 deep/);
    }
  });
});

describe('PMIDs that are not PMIDs', () => {
  const rec = realRecord('efetch/biopython__pubmed1.xml', '12091962');
  for (const bad of ['0', '12345678901234567', '12345678901234567890']) {
    it(`refuses a record whose PMID is ${bad}, naming the record`, () => {
      const dir = tempDir();
      const file = path.join(dir, 'bad.xml');
      fs.writeFileSync(file, `${XML_HEAD}${rec.replace('<PMID Version="1">12091962</PMID>', `<PMID Version="1">${bad}</PMID>`)}\n</PubmedArticleSet>\n`);
      const db = path.join(dir, 'lib.db');
      const r = runCli(['import', file], { db });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`record 1 \\(PMID ${bad}\\): PMID "${bad}" is not a PMID \\(a positive whole number of at most 10 digits\\)`));
      expect(r.stderr).not.toMatch(/datatype mismatch/);
      expect(count(db)).toBe(0);
    });
  }

  it('refuses a MEDLINE record with a 17-digit PMID', () => {
    const dir = tempDir();
    const text = fs.readFileSync(fixture('medline/biopython__pubmed_result1.txt'), 'utf8').replace('PMID- 12230038', 'PMID- 12345678901234567');
    const file = path.join(dir, 'bad.txt');
    fs.writeFileSync(file, text);
    const r = runCli(['import', file], { db: path.join(dir, 'lib.db') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MEDLINE record 1, line \d+: invalid PMID "12345678901234567" \(a positive whole number of at most 10 digits\)/);
  });
});

describe('a declared encoding', () => {
  // A real record with non-ASCII letters that ISO-8859-1 can hold (ç, í).
  const rec = realRecord('efetch/julielab__pubmed18n0740_7_eval_files.xml', '23078991');
  const utf8Head = '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n';

  it('ISO-8859-1 is read as ISO-8859-1, giving the same paper as the UTF-8 file', () => {
    const dir = tempDir();
    const utf8 = path.join(dir, 'utf8.xml');
    fs.writeFileSync(utf8, `${utf8Head}${rec}\n</PubmedArticleSet>\n`);
    const latin1 = path.join(dir, 'latin1.xml');
    fs.writeFileSync(latin1, Buffer.from(`${utf8Head.replace('UTF-8', 'ISO-8859-1')}${rec}\n</PubmedArticleSet>\n`, 'latin1'));
    const shown = (file: string, threads: string): unknown => {
      const db = path.join(dir, `${path.basename(file)}-${threads}.db`);
      const r = runCli(['import', file, '--threads', threads], { db });
      expect(r.stderr).toBe('');
      const paper = JSON.parse(runCli(['show', '23078991', '--json'], { db }).stdout) as Record<string, unknown>;
      return { title: paper.title, abstract: paper.abstract, authors: paper.authors };
    };
    const expected = shown(utf8, '0');
    expect(JSON.stringify(expected)).toMatch(/[çí]/);
    expect(JSON.stringify(expected)).not.toContain('\uFFFD');
    expect(shown(latin1, '0')).toEqual(expected);
    expect(shown(latin1, '1')).toEqual(expected);
  });

  it('an encoding it cannot read is refused with the fix', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cp1251.xml');
    fs.writeFileSync(file, `${utf8Head.replace('UTF-8', 'windows-1251')}${rec}\n</PubmedArticleSet>\n`);
    const db = path.join(dir, 'lib.db');
    const r = runCli(['import', file], { db });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/declares encoding "windows-1251", which claimwatch does not read: convert it to UTF-8 first \(iconv -f windows-1251 -t UTF-8\)/);
    expect(count(db)).toBe(0);
  });
});

/** The FIFO opened for writing once the import has it open for reading (a non-blocking open succeeds only then). */
async function openWhenRead(fifo: string): Promise<number> {
  for (let i = 0; i < 500; i++) {
    try {
      return fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`nothing opened ${fifo} for reading in 10 s`);
}

describe('an import from a FIFO with no writer yet', () => {
  it('does not hold the write lock while it waits for the first bytes', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    expect(runCli(['claims'], { db }).code).toBe(0);
    const fifo = path.join(dir, 'in.xml');
    execFileSync('mkfifo', [fifo]);
    const importing = runCliAsync(['import', fifo, '--json'], { db });
    const fd = await openWhenRead(fifo);
    // Another writer gets the lock at once (no waiting at all) while the import waits for its input.
    const other = new Database(db, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    other.close();
    fs.writeSync(fd, fs.readFileSync(fixture('efetch/biopython__pubmed1.xml')));
    fs.closeSync(fd);
    const r = await importing;
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 2, failed: 0 });
  });

  it('reads a gzipped stream whose first read brings one byte, as it reads the file', async () => {
    // A plain file's reads are handed on as views of one reused buffer; a gzip stream's must be copies, and a
    // FIFO can deliver the magic bytes one read at a time.
    const dir = tempDir();
    const gz = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
    const fromFile = path.join(dir, 'file.db');
    const direct = runCli(['import', gz, '--json'], { db: fromFile });
    expect(direct.code).toBe(0);
    const db = path.join(dir, 'fifo.db');
    const fifo = path.join(dir, 'in.xml.gz');
    execFileSync('mkfifo', [fifo]);
    const importing = runCliAsync(['import', fifo, '--json'], { db });
    const fd = await openWhenRead(fifo);
    const bytes = fs.readFileSync(gz);
    fs.writeSync(fd, bytes.subarray(0, 1));
    await new Promise((r) => setTimeout(r, 300));
    // The rest in pieces, so that the gunzip stream holds several of them at once.
    for (let at = 1; at < bytes.length; at += 4096) {
      for (;;) {
        try {
          fs.writeSync(fd, bytes.subarray(at, Math.min(bytes.length, at + 4096)));
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 5)); // EAGAIN: the FIFO is full
        }
      }
    }
    fs.closeSync(fd);
    const r = await importing;
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ added: JSON.parse(direct.stdout).added, failed: 0 });
    const rows = (file: string): unknown[] => {
      const d = new Database(file, { readonly: true });
      const out = d.prepare('SELECT p.pmid, p.title, p.content_hash, r.raw FROM papers p JOIN paper_raw r USING (pmid) ORDER BY p.pmid').all();
      d.close();
      return out;
    };
    expect(rows(db)).toEqual(rows(fromFile));
  });
});
