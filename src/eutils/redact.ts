// Keeps the NCBI API key out of anything a person or a log may see (EUTILS.md §6.1; biocommons/eutils redacts it too).

const API_KEY_PARAM = /(api[_-]?key["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi;
/** The shortest piece of the key treated as the key when a cut leaves only its start (issue 11). */
const MIN_PREFIX = 4;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text with the API key (raw or URL-encoded) and any `api_key=…` value replaced by `***`, and with
 * any start of the key of 4 characters or more that a cut left at the end of the text or before an
 * ellipsis (`…`) replaced too. Redact before cutting where possible; this catches a cut made before.
 */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey) {
    const forms = [...new Set([apiKey, encodeURIComponent(apiKey)])];
    for (const form of forms) out = out.split(form).join('***');
    for (const form of forms) {
      if (form.length <= MIN_PREFIX) continue;
      // Longest first, so a long start of the key is replaced whole rather than its tail left behind.
      const starts = [];
      for (let n = form.length - 1; n >= MIN_PREFIX; n--) starts.push(escapeRegExp(form.slice(0, n)));
      out = out.replace(new RegExp(`(?:${starts.join('|')})(?=…|$)`, 'g'), '***');
    }
  }
  return out.replace(API_KEY_PARAM, '$1***');
}
