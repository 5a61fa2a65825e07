import { hasControlCharacter } from './claims.js';
import { UsageError } from '../errors.js';

/** A standard exclusion reason: the number reviewers type, the code exports carry, the label people read. */
export interface Reason {
  number: number;
  code: string;
  label: string;
}

/** What a dismissal's `--reason` resolves to: a standard reason (with its label as the text), or free text. */
export interface ResolvedReason {
  /** The standard reason, or null for free text. */
  reason: Reason | null;
  /** The text kept with the dismissal: the reason's label, or the free text as typed (trimmed). */
  text: string;
}

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks a reason code: lower-case words joined by dashes; throws UsageError naming the fix. */
export function checkReasonCode(code: string): string {
  if (!CODE.test(code)) {
    throw new UsageError(`reason code ${JSON.stringify(code)} is not lower-case words joined by dashes: use e.g. wrong-study-design`);
  }
  return code;
}

/** Checks a reason label: one line of text; throws UsageError naming the fix. */
export function checkReasonLabel(label: string): string {
  const t = label.trim();
  if (!t) throw new UsageError('a reason label cannot be empty: give the words reviewers will read, e.g. "wrong study design"');
  if (hasControlCharacter(t)) throw new UsageError('a reason label cannot contain a control character (a newline, tab or escape): give it on one line');
  return t;
}

/**
 * Resolves what a reviewer typed after `--reason` (or `d` in triage): a number is the standard reason with
 * that number (an unknown number is refused with the list), a code (`off-topic`) or a label typed exactly
 * (any case) is that reason, and anything else is free text.
 */
export function resolveReasonInput(input: string, reasons: readonly Reason[]): ResolvedReason {
  const t = input.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    const r = reasons.find((x) => x.number === n);
    if (!r) {
      const list = reasons.map((x) => `${x.number} ${x.code}`).join(', ') || 'none yet';
      throw new UsageError(`there is no exclusion reason ${n}: choose one of ${list} (claimwatch reasons), or give the reason in words`);
    }
    return { reason: r, text: r.label };
  }
  const lower = t.toLowerCase();
  const r = reasons.find((x) => x.code === lower || x.label.toLowerCase() === lower);
  return r ? { reason: r, text: r.label } : { reason: null, text: t };
}
