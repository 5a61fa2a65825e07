/** One author of a paper as PubMed lists it; a collective (group) author has only `collective`. */
export interface Author {
  last: string | null;
  fore: string | null;
  initials: string | null;
  collective: string | null;
}

/** The CommentsCorrections link types claimwatch keeps (PubMed DTD, CommentsCorrections@RefType). */
export const LINK_TYPES = [
  'RetractionIn',
  'RetractionOf',
  'ErratumIn',
  'ErratumFor',
  'ExpressionOfConcernIn',
  'ExpressionOfConcernFor',
  'CommentIn',
  'UpdateIn',
  'UpdateOf',
  'RetractedandRepublishedIn',
  'RetractedandRepublishedFrom',
  'CorrectedandRepublishedIn',
  'CorrectedandRepublishedFrom',
] as const;
export type LinkType = (typeof LINK_TYPES)[number];

const LINK_TYPE_SET: ReadonlySet<string> = new Set(LINK_TYPES);

/** Whether a CommentsCorrections RefType is one claimwatch keeps. */
export function isLinkType(type: string | undefined): type is LinkType {
  return type !== undefined && LINK_TYPE_SET.has(type);
}

/** What PubMed's own record says: a "Retracted Publication" type, or a retraction (or retract-and-republish) link. */
export function isRetractedByPubmed(publicationTypes: readonly string[], links: readonly { type: LinkType }[]): boolean {
  return (
    publicationTypes.some((p) => p.toLowerCase() === 'retracted publication') ||
    links.some((l) => l.type === 'RetractionIn' || l.type === 'RetractedandRepublishedIn')
  );
}

/** A CommentsCorrections link from this paper to a notice or another paper. */
export interface PaperLink {
  type: LinkType;
  /** PMID of the linked record when PubMed gives one. */
  pmid: number | null;
  /** The free-text citation of the linked record (RefSource). */
  source: string | null;
}

/**
 * Where a paper's stored record came from, so it can be parsed again later: PubMed's own formats, or a
 * row of a CSV file / a record of a RIS file exported by a screening tool or reference manager.
 */
export type RawFormat = 'pubmed-xml' | 'medline' | 'csv' | 'ris';

/** True for PubMed's own formats: a record in any other is a stand-in until PubMed's is fetched. */
export function isPubmedFormat(f: RawFormat): boolean {
  return f === 'pubmed-xml' || f === 'medline';
}

/** A PubMed record as claimwatch stores it. Absent values are null, absent lists []. */
export interface Paper {
  pmid: number;
  type: 'article' | 'book';
  title: string | null;
  abstract: string | null;
  authors: Author[];
  journal: string | null;
  journalAbbrev: string | null;
  year: number | null;
  /** The publication date as PubMed prints it: "2022 Oct 13", "2019 Jan-Feb", "2015". */
  pubDate: string | null;
  doi: string | null;
  pmcid: string | null;
  publicationTypes: string[];
  mesh: string[];
  keywords: string[];
  language: string | null;
  retracted: boolean;
  links: PaperLink[];
  /** MedlineCitation/DateRevised (MEDLINE: LR) as YYYY-MM-DD. */
  dateRevised: string | null;
  /** The Entrez date (PubMedPubDate PubStatus="entrez"; MEDLINE: EDAT) as YYYY-MM-DD. */
  entrezDate: string | null;
  /** The record exactly as it appeared in the source file. */
  raw: string;
  rawFormat: RawFormat;
}

/** What a PubMed source file yields, in file order: papers, and PMIDs NLM deleted. */
export type SourceItem = { kind: 'paper'; paper: Paper } | { kind: 'delete'; pmids: number[] };

/**
 * A parser fed a file piece by piece, so memory stays bounded by one record.
 * `push` returns the items completed by that chunk; `end` returns the rest or throws
 * `ParseError` when the input stopped in the middle of a record or was not closed.
 */
export interface IncrementalParser {
  push(chunk: string): SourceItem[];
  end(): SourceItem[];
}

/** An author as lists show it: "Ressler KJ", or the group's name for a collective author. */
export function shortAuthorName(a: Author): string {
  return a.collective ?? [a.last, a.initials].filter(Boolean).join(' ');
}

/**
 * The PMID a text spells, or null: a positive whole number of at most 10 digits. PubMed's run to 8 digits
 * today; 10 leave room and stay far inside SQLite's integers and JavaScript's exact ones, so a longer value
 * can never be stored as another number.
 */
export function pmidFromText(text: string): number | null {
  const s = text.trim();
  if (!/^[0-9]{1,10}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 ? n : null;
}
