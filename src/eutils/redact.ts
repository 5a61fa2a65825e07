// Keeps the NCBI API key out of anything a person or a log may see (EUTILS.md §6.1; biocommons/eutils redacts it too).

const API_KEY_PARAM = /(api[_-]?key["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi;

/** The text with the API key (raw or URL-encoded) and any `api_key=…` value replaced by `***`. */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey) {
    for (const form of new Set([apiKey, encodeURIComponent(apiKey)])) out = out.split(form).join('***');
  }
  return out.replace(API_KEY_PARAM, '$1***');
}
