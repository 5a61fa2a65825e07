// What the import tests compare libraries by, and the real records they build test files from.
import fs from 'node:fs';
import Database from 'better-sqlite3';

const clock = (v: unknown): unknown => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? 'a time' : v);

/** Every stored fact except the import's own clock: papers, history, imports. */
export function dump(db: string): unknown {
  const d = new Database(db);
  try {
    return {
      papers: d
        .prepare(
          `SELECT pmid, type, title, abstract, authors, journal, journal_abbrev, year, pub_date, doi, pmcid,
             publication_types, mesh, keywords, language, retracted, links, date_revised, entrez_date, r.raw,
             typeof(r.raw) AS raw_type, raw_format, content_hash, deleted_at IS NULL AS live
           FROM papers p JOIN paper_raw r USING (pmid) ORDER BY pmid`,
        )
        .all(),
      // Deletion and restoration values are times of imports, which differ between the two libraries.
      history: (d.prepare('SELECT actor, action, pmid, old_value, new_value, note FROM history WHERE pmid IS NOT NULL ORDER BY id').all() as Record<string, unknown>[]).map(
        (h) => ({ ...h, old_value: clock(h.old_value), new_value: clock(h.new_value) }),
      ),
      imports: d.prepare('SELECT file, format, added, updated, unchanged, deleted FROM imports ORDER BY id').all(),
    };
  } finally {
    d.close();
  }
}

/** The records of a real fixture, as text, to build files with the edge cases the splitter must handle. */
export function records(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)].map((m) => m[0]);
}

/** A real record under another PMID (its MedlineCitation PMID and PubmedData ArticleId), as the bench corpus makes them. */
export function renumbered(rec: string, pmid: number): string {
  return rec
    .replace(/<PMID Version="(\d+)">\d+<\/PMID>/, `<PMID Version="$1">${pmid}</PMID>`)
    .replace(/<ArticleId IdType="pubmed">\d+<\/ArticleId>/, `<ArticleId IdType="pubmed">${pmid}</ArticleId>`);
}
