import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { TriageSession } from '../app/triage.js';

/** One browser's session: who it is (null until a name is picked or a login succeeds), its CSRF token and its triage. */
export interface WebSession {
  /** The cookie value: 32 random bytes. Never shown in a page, a log or an error. */
  id: string;
  /** Sent back with every state-changing request; a different random value from the id. */
  csrf: string;
  reviewer: string | null;
  /** triage --blind: other reviewers' tags hidden until you tag, and the ranking learns from your decisions only. */
  blind: boolean;
  /** With accounts: when the account's password was last set, so a `users passwd` or `remove` ends the session. */
  account?: string | null;
  triage?: { session: TriageSession; message: string };
  lastSeen: number;
}

/** How long a session lives without a request (ms). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

/** How many sessions are kept at most before old anonymous ones are dropped (a flood of login pages cannot fill memory). */
export const MAX_SESSIONS = 10_000;

const token = (): string => randomBytes(32).toString('base64url');

/** The sessions of a running server, in memory: a restart logs everyone out, which is the safe direction. */
export class SessionStore {
  private readonly byId = new Map<string, WebSession>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A new session, not logged in. Past MAX_SESSIONS the idle ones go, then the oldest not logged in. */
  create(): WebSession {
    if (this.byId.size >= MAX_SESSIONS) this.prune();
    const s: WebSession = { id: token(), csrf: token(), reviewer: null, blind: false, lastSeen: this.clock() };
    this.byId.set(s.id, s);
    return s;
  }

  private prune(): void {
    const now = this.clock();
    for (const [id, s] of this.byId) if (now - s.lastSeen > SESSION_IDLE_MS) this.byId.delete(id);
    // Map keeps insertion order: the first anonymous ones are the oldest.
    for (const [id, s] of this.byId) {
      if (this.byId.size < MAX_SESSIONS * 0.9) break;
      if (s.reviewer === null) this.byId.delete(id);
    }
  }

  /** The live session of a cookie value, or undefined (unknown or idle too long). */
  get(id: string | undefined): WebSession | undefined {
    if (!id) return undefined;
    const s = this.byId.get(id);
    if (!s) return undefined;
    if (this.clock() - s.lastSeen > SESSION_IDLE_MS) {
      this.byId.delete(id);
      return undefined;
    }
    s.lastSeen = this.clock();
    return s;
  }

  /** Logs a session in as `reviewer` under a fresh id and CSRF token (no session fixation); the old id stops working. */
  login(old: WebSession | undefined, reviewer: string): WebSession {
    if (old) this.byId.delete(old.id);
    const s = this.create();
    s.reviewer = reviewer;
    return s;
  }

  /** Ends a session. */
  end(s: WebSession): void {
    this.byId.delete(s.id);
  }

  /** How many sessions are live. */
  get size(): number {
    return this.byId.size;
  }
}

/** True when the token sent matches the session's (constant time). */
export function csrfMatches(s: WebSession, sent: string | undefined | null): boolean {
  if (!sent) return false;
  const a = Buffer.from(s.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Failed logins allowed before each further attempt waits. */
export const FREE_ATTEMPTS = 3;
/** The longest wait before a login is judged (ms). */
export const MAX_DELAY_MS = 30_000;

/**
 * Slows password guessing: after FREE_ATTEMPTS failures for an account name or from an address, every
 * further attempt waits 1 s, then 2 s, 4 s ... up to 30 s before it is judged. A success clears the name's count.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number>();

  /** Failed attempts counted for a key (an account name, or an address prefixed 'ip:'). */
  attempts(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** How long the next attempt on these keys waits before it is judged (ms): the largest of their delays. */
  delayMs(keys: readonly string[]): number {
    const f = Math.max(0, ...keys.map((k) => this.attempts(k)));
    return f < FREE_ATTEMPTS ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (f - FREE_ATTEMPTS));
  }

  fail(keys: readonly string[]): void {
    for (const k of keys) this.failures.set(k, this.attempts(k) + 1);
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
