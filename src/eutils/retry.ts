// What the E-utilities and Crossref clients share of their retry loops: the backoff and the one-line reason a
// request got no HTTP answer. Transport-level only; each client keeps its own classification of answers.
import { oneLine } from './classify.js';
import { loadAxios } from './lazy.js';

/** The wait before retry `attempt` (1-based): base doubling to the cap, with ±25 % jitter from `random` in [0, 1). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const raw = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.max(0, Math.round(raw * (1 + 0.25 * (2 * random() - 1))));
}

/**
 * One line saying why no HTTP answer arrived, built from the error's code and message only, never its config
 * (which holds the request and its key). `clean` runs before the line is cut to length (the E-utilities client
 * redacts its API key there, so a cut never leaves part of it). Rethrows anything that is not an axios error.
 */
export function networkReason(e: unknown, timeoutMs: number, clean: (s: string) => string = (s) => s): string {
  const axios = loadAxios();
  if (!axios.isAxiosError(e) && !axios.isCancel(e)) throw e;
  const err = e as { code?: string; message?: string; errors?: { message?: string }[] };
  const code = err.code ?? '';
  if (axios.isCancel(e) || code === 'ERR_CANCELED' || (code === 'ECONNABORTED' && /timeout/i.test(err.message ?? ''))) {
    return `no complete answer within ${timeoutMs} ms`;
  }
  let message = err.message || err.errors?.find((x) => x.message)?.message || '';
  if (code && !message.includes(code)) message = message ? `${message} (${code})` : code;
  return oneLine(clean(message || 'network error'));
}
