import { renderBibtex } from './bibtex.js';
import { renderCslJson } from './csljson.js';
import { renderCsv } from './csv.js';
import { renderRis } from './ris.js';
import type { ExportItem } from './item.js';

/** The export formats, by the name `--format` takes. */
export const EXPORT_FORMATS = ['ris', 'bibtex', 'csljson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const ALIASES: Record<string, ExportFormat> = {
  ris: 'ris', bibtex: 'bibtex', bib: 'bibtex', csljson: 'csljson', 'csl-json': 'csljson', csl: 'csljson', csv: 'csv',
};

/** The format a `--format` value names, or undefined. */
export function lookupFormat(input: string): ExportFormat | undefined {
  return ALIASES[input.trim().toLowerCase()];
}

/** Renders the items in one format. */
export function renderExport(format: ExportFormat, items: readonly ExportItem[]): string {
  switch (format) {
    case 'ris': return renderRis(items);
    case 'bibtex': return renderBibtex(items);
    case 'csljson': return renderCslJson(items);
    case 'csv': return renderCsv(items);
  }
}
