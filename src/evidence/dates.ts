/** How a date is typed on the command line: YYYY-MM-DD or YYYY/MM/DD, one separator throughout. */
export const DATE_SHAPE = /^(\d{4})([-/])(\d{2})\2(\d{2})$/;

/**
 * A date typed on the command line as YYYY-MM-DD: null when it does not have the shape or is not a
 * real calendar day (2024-02-30, month 13). Each command words its own error around it.
 */
export function readCalendarDate(input: string): string | null {
  const m = DATE_SHAPE.exec(input.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1800 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[3]}-${m[4]}`;
}
