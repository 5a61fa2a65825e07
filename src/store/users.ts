import type { Db } from './db.js';

/** One account row; the hash is never shown to anyone. */
export interface UserRow {
  name: string;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

/** The account, or undefined. */
export function getUser(db: Db, name: string): UserRow | undefined {
  return db.prepare(
    'SELECT name, password_hash AS passwordHash, created_at AS createdAt, updated_at AS updatedAt FROM users WHERE name = ?',
  ).get(name) as UserRow | undefined;
}

/** Every account, by name. */
export function listUserRows(db: Db): UserRow[] {
  return db.prepare(
    'SELECT name, password_hash AS passwordHash, created_at AS createdAt, updated_at AS updatedAt FROM users ORDER BY name',
  ).all() as UserRow[];
}

/** How many accounts exist. */
export function countUsers(db: Db): number {
  return db.prepare('SELECT count(*) FROM users').pluck().get() as number;
}

/** Inserts an account; false when the name is taken. */
export function insertUser(db: Db, name: string, hash: string, at: string): boolean {
  return db.prepare('INSERT OR IGNORE INTO users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, hash, at, at).changes === 1;
}

/** Replaces an account's password hash; false when there is no such account. */
export function updateUserHash(db: Db, name: string, hash: string, at: string): boolean {
  return db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?').run(hash, at, name).changes === 1;
}

/** Deletes an account; false when there was none. */
export function deleteUser(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM users WHERE name = ?').run(name).changes === 1;
}
