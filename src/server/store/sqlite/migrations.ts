// Versioned schema migrations, applied in order inside one transaction each.
import type Database from 'better-sqlite3';
import { foldEmail } from '../../../shared/email.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data work SQL alone cannot do, run after `sql` in the same transaction. */
  after?: (db: Database.Database) => void;
}

/**
 * Fills users.email_key with the folded e-mail (NFC + full case fold). Two existing accounts
 * whose e-mails fold alike (only possible before this version) are not merged or changed: the
 * older keeps the key, the newer keeps NULL and can still sign in with its exact spelling;
 * `emailCollisions()` reports them so `serve` can say so.
 */
function fillEmailKeys(db: Database.Database): void {
  const rows = db.prepare('SELECT id, email FROM users ORDER BY id').all() as Array<{ id: number; email: string }>;
  const seen = new Set<string>();
  const update = db.prepare('UPDATE users SET email_key = ? WHERE id = ?');
  for (const row of rows) {
    const key = foldEmail(row.email);
    if (seen.has(key)) continue;
    seen.add(key);
    update.run(key, row.id);
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, tokens, conversations, participants, messages',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
        password_hash TEXT NOT NULL,
        avatar        TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      );

      CREATE TABLE personal_access_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        last_used_at TEXT,
        revoked_at   TEXT,
        created_at   TEXT NOT NULL
      );
      CREATE INDEX personal_access_tokens_user ON personal_access_tokens(user_id);

      -- One conversation per unordered pair: the pair is stored sorted.
      CREATE TABLE conversations (
        id              INTEGER PRIMARY KEY,
        user_low_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        user_high_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        last_message_id INTEGER,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        CHECK (user_low_id < user_high_id),
        UNIQUE (user_low_id, user_high_id)
      );

      CREATE TABLE participants (
        conversation_id      INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id              INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        last_read_message_id INTEGER NOT NULL DEFAULT 0,
        last_read_at         TEXT,
        PRIMARY KEY (conversation_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX participants_by_user ON participants(user_id, conversation_id);

      CREATE TABLE messages (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        sender_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type            TEXT NOT NULL CHECK (type IN ('text', 'image', 'file')),
        body            TEXT NOT NULL,
        attachment      TEXT,
        created_at      TEXT NOT NULL
      );
      -- History paging walks (conversation_id, id); unread counts walk
      -- (conversation_id, sender_id, id) for the other participant: both index-only.
      CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
      CREATE INDEX messages_unread ON messages(conversation_id, sender_id, id);

      CREATE TABLE idempotency_keys (
        user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key             TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        message_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
    `,
  },
  {
    version: 2,
    name: 'users.email_key: e-mails unique after Unicode normalisation and full case folding',
    sql: `ALTER TABLE users ADD COLUMN email_key TEXT;`,
    after: (db) => {
      fillEmailKeys(db);
      db.exec('CREATE UNIQUE INDEX users_email_key ON users(email_key)');
    },
  },
  {
    version: 3,
    name: 'stored unread counters per participant',
    // Kept in the same transaction as message inserts and read watermarks (see message-writes.ts),
    // so a list or a list update never counts history. Filled here for existing databases.
    sql: `
      ALTER TABLE participants ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
      UPDATE participants SET unread_count = (
        SELECT COUNT(*) FROM messages x
         WHERE x.conversation_id = participants.conversation_id
           AND x.id > participants.last_read_message_id
           AND x.sender_id IN (SELECT o.user_id FROM participants o
                                WHERE o.conversation_id = participants.conversation_id AND o.user_id != participants.user_id));
    `,
  },
  {
    version: 4,
    name: 'users.last_seen_at (watchlist presence)',
    sql: `ALTER TABLE users ADD COLUMN last_seen_at TEXT;`,
  },
];

export function migrate(db: Database.Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  // Every migration not recorded yet, not only those above the newest: branches number theirs
  // independently, so a database may have 3 before 2 exists.
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  let applied = 0;
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.after?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
    applied++;
  }
  const latest = Math.max(0, ...MIGRATIONS.map((m) => m.version));
  if (current > latest) {
    throw new Error(`the database schema is version ${current}, newer than this chatctl (${latest}); upgrade chatctl`);
  }
  return applied;
}
