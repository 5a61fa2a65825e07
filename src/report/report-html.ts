import type { Report } from '../evidence/report.js';

/** The report as one self-contained HTML page. Placeholder until issue 5's HTML report lands. */
export function renderReportHtml(r: Report): string {
  void r;
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>claimwatch evidence report</title></head><body></body></html>\n';
}
