// What `claimwatch reparse` found: pure types and the comparison of a paper's stored columns with a fresh read.

/**
 * The columns of papers that a parser fills from the raw record alone, in the order reparse reports them.
 * Not `retracted`: since 0009_integrity it is what every source says together (store/integrity.ts), so a
 * reading of PubMed's record alone must not overwrite it.
 */
export const PARSED_COLUMNS = [
  'type', 'title', 'abstract', 'authors', 'journal', 'journal_abbrev', 'year', 'pub_date', 'doi', 'pmcid',
  'publication_types', 'mesh', 'keywords', 'language', 'links', 'date_revised', 'entrez_date',
] as const;
export type ParsedColumn = (typeof PARSED_COLUMNS)[number];

/** A paper's parsed columns as stored (lists as their JSON text). */
export type ParsedColumns = Record<ParsedColumn, string | number | null>;

/** A stored record that today's parser no longer reads: the paper is left as it is. */
export interface ReparseFailure {
  pmid: number;
  rawFormat: string;
  error: string;
}

/** What a reparse did (or, with --dry-run, would do). */
export interface ReparseSummary {
  dryRun: boolean;
  /** Papers whose stored record was read again. */
  papers: number;
  /** Papers with at least one column that reads differently today. */
  changed: number;
  unchanged: number;
  /** Papers changed per column, for the columns that changed at all. */
  fields: Partial<Record<ParsedColumn, number>>;
  /** How many records no longer parse, and the first of them. */
  failed: number;
  failures: ReparseFailure[];
}

/** The columns whose value differs between the stored row and the fresh read, in PARSED_COLUMNS order. */
export function changedColumns(stored: ParsedColumns, fresh: ParsedColumns): ParsedColumn[] {
  return PARSED_COLUMNS.filter((c) => stored[c] !== fresh[c]);
}
