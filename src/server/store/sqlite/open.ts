// Opens the SQLite file with the pragmas chatctl relies on and brings the schema up to date.
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, ensurePrivateDir, tightenMode } from '../../../shared/private-files.js';
import { migrate } from './migrations.js';

export type SqliteDatabase = Database.Database;

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

export interface OpenOptions {
  /** FULL fsyncs the WAL on every commit: an acknowledged message survives even power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openDatabase(path: string, options: OpenOptions = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:') {
      ensurePrivateDir(dirname(path));
      // SQLite gives -wal and -shm the main file's mode, so creating it 0600 covers all three.
      createPrivateFile(path);
    }
    db = new Database(path);
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open the database ${path}: ${(error as Error).message}.`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    if (path !== ':memory:') for (const suffix of ['', '-wal', '-shm']) tightenMode(`${path}${suffix}`);
  } catch (error) {
    db.close();
    throw new DatabaseOpenError(`Cannot prepare the database ${path}: ${(error as Error).message}.`);
  }
  return db;
}
