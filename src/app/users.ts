import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import { countUsers, deleteUser, getUser, insertUser, listUserRows, updateUserHash } from '../store/users.js';
import { hasControlCharacter } from '../evidence/claims.js';
import { UsageError } from '../errors.js';

/** scrypt's cost: N = 2^14, r = 8, p = 1 (the parameters node:crypto and RFC 7914 suggest for interactive logins), 64-byte key. */
const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 64;
/** Passwords shorter than this are refused. */
export const MIN_PASSWORD = 8;

/** An account as `users list` shows it: never the hash. */
export interface UserSummary {
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** Checks an account name: a reviewer name as tags carry it (no control character, at most 64 characters). */
export function validateUserName(name: string): string {
  const n = name.trim();
  if (!n) throw new UsageError('the account name is empty: give a reviewer name, e.g. claimwatch users add ann');
  if (hasControlCharacter(n)) throw new UsageError('the account name contains a control character (a newline, tab or escape): give a plain name, e.g. ann');
  if ([...n].length > 64) throw new UsageError('the account name is longer than 64 characters: give a shorter reviewer name');
  return n;
}

function validatePassword(password: string): string {
  if ([...password].length < MIN_PASSWORD) throw new UsageError(`the password is shorter than ${MIN_PASSWORD} characters: choose a longer one`);
  if (hasControlCharacter(password)) throw new UsageError('the password contains a control character: choose one of printable characters');
  return password;
}

/** A salted scrypt hash of the password: scrypt$N$r$p$salt$key, salt and key in base64url. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** A hash of nothing anyone knows, checked when the name has no account so that both cost the same time. */
const DUMMY = hashPassword(randomBytes(18).toString('base64url'));

/** True when the password matches the stored hash (constant-time comparison; scrypt off the main thread). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const want = Buffer.from(parts[5]!, 'base64url');
  const got = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, want.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (e, k) => (e ? reject(e) : resolve(k)));
  });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The account's name when name and password match, else null; an unknown name costs the same scrypt as a known one. */
export async function checkLogin(db: Db, name: string, password: string): Promise<string | null> {
  const user = getUser(db, name.trim());
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY);
  return ok && user ? user.name : null;
}

/** `users add`: a new account; a UsageError when the name is taken or the password too short. */
export function addUser(db: Db, name: string, password: string, at: string): UserSummary {
  const n = validateUserName(name);
  const hash = hashPassword(validatePassword(password));
  if (!insertUser(db, n, hash, at)) throw new UsageError(`an account named '${n}' exists: change its password with 'claimwatch users passwd ${n}'`);
  return { name: n, createdAt: at, updatedAt: at };
}

/** `users passwd`: a new password for an existing account. */
export function changePassword(db: Db, name: string, password: string, at: string): UserSummary {
  const n = validateUserName(name);
  const hash = hashPassword(validatePassword(password));
  if (!updateUserHash(db, n, hash, at)) throw new UsageError(`no account named '${n}': add it with 'claimwatch users add ${n}'`);
  const u = getUser(db, n)!;
  return { name: u.name, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

/** `users remove`: deletes an account; the reviewer's tags and history stay. */
export function removeUser(db: Db, name: string): UserSummary {
  const n = validateUserName(name);
  const u = getUser(db, n);
  if (!u || !deleteUser(db, n)) throw new UsageError(`no account named '${n}': 'claimwatch users list' shows the accounts`);
  return { name: u.name, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

/** `users list`: every account, without hashes. */
export function listUsers(db: Db): UserSummary[] {
  return listUserRows(db).map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt }));
}

/** When the account's password was last set, or null when there is no such account: a session records it at login. */
export function accountStamp(db: Db, name: string): string | null {
  return getUser(db, name)?.updatedAt ?? null;
}

/** True when at least one account exists. */
export function hasAccounts(db: Db): boolean {
  return countUsers(db) > 0;
}
