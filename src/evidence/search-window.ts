import { UsageError } from '../errors.js';
import { DATE_SHAPE, readCalendarDate } from './dates.js';

/**
 * Dates of the nightly search, as PubMed writes them (YYYY/MM/DD). Pure: the caller passes "today".
 */

/** Days of overlap before the last successful run: records enter PubMed late and out of order. */
export const OVERLAP_DAYS = 2;

const YMD = /^(\d{4})[/-](\d{2})[/-](\d{2})$/;

/** The local calendar date of `d` as YYYY/MM/DD. */
export function entrezDate(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}

/** `ymd` moved by `days` (negative goes back), calendar-correct across months and leap years. */
export function addDays(ymd: string, days: number): string {
  const m = YMD.exec(ymd);
  if (!m) throw new Error(`not a YYYY/MM/DD date: ${ymd}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/** Reads a --since date (YYYY/MM/DD or YYYY-MM-DD); refuses impossible dates and dates after today. */
export function parseSince(text: string, today: string): string {
  const bad = (why: string): UsageError => new UsageError(`--since ${JSON.stringify(text)} ${why}: give a date like 2024/01/31`);
  if (!DATE_SHAPE.test(text.trim())) throw bad('is not a date');
  const day = readCalendarDate(text);
  if (day === null) throw bad('is not a real date');
  const ymd = day.replace(/-/g, '/');
  if (ymd > today) throw bad(`is after today (${today})`);
  return ymd;
}

/** What one run of a saved search asks PubMed for, and whether success may move its high-water mark. */
export interface SearchWindow {
  /** null on a first run: everything the search matches. */
  mindate: string | null;
  maxdate: string | null;
  /** True when this run covers everything since the mark, so success may move it to today. */
  advances: boolean;
}

/**
 * The Entrez-date window of a run: everything on the first run; otherwise from two days before the
 * last successful run to today. `--since` replaces the start; a start later than the usual one
 * would leave a gap, so such a run never moves the mark.
 */
export function searchWindow(watermark: string | null, today: string, since?: string): SearchWindow {
  const usual = watermark === null ? null : addDays(watermark, -OVERLAP_DAYS);
  if (since === undefined) {
    return usual === null ? { mindate: null, maxdate: null, advances: true } : { mindate: usual, maxdate: today, advances: true };
  }
  return { mindate: since, maxdate: today, advances: usual !== null && since <= usual };
}
