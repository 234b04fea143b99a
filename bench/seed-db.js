// Seed generator for the bench: writes users, tokens, conversations and messages straight into a
// chatctl SQLite file (schema from dist/, so it is always the current one), far faster than the API.
//   node bench/seed-db.js <file> [--users 2] [--messages 1000]   (CLI: one conversation, for poking)
import { createHash, randomBytes } from 'node:crypto';
import { SqliteStore } from '../dist/server/store/index.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms) => new Date(ms).toISOString();
const sha256 = (value) => createHash('sha256').update(value).digest('hex');

/** Opens (and migrates) `path`; returns helpers that insert rows in bulk inside one transaction each. */
export function openSeed(path) {
  const store = new SqliteStore(path, { synchronous: 'NORMAL' });
  const { db } = store;
  const insertUser = db.prepare(
    "INSERT INTO users (name, email, password_hash, created_at, updated_at) VALUES (?, ?, 'seeded-no-login', ?, ?) RETURNING id",
  );
  const insertToken = db.prepare(
    "INSERT INTO personal_access_tokens (user_id, name, token_hash, created_at) VALUES (?, 'bench', ?, ?) RETURNING id",
  );
  const insertConversation = db.prepare(
    'INSERT INTO conversations (user_low_id, user_high_id, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id',
  );
  const insertParticipant = db.prepare('INSERT INTO participants (conversation_id, user_id) VALUES (?, ?)');
  const insertMessage = db.prepare("INSERT INTO messages (conversation_id, sender_id, type, body, created_at) VALUES (?, ?, 'text', ?, ?)");
  let clock = T0;

  return {
    db,
    /** `count` users, each with a bearer token: [{ id, token }]. */
    users(count, prefix = 'user') {
      return db.transaction(() => {
        const made = [];
        const offset = db.prepare('SELECT COUNT(*) AS n FROM users').get().n;
        for (let i = 0; i < count; i++) {
          const n = offset + i;
          const id = insertUser.get(`${prefix} ${n}`, `${prefix}${n}@bench.test`, iso(T0), iso(T0)).id;
          const secret = randomBytes(30).toString('base64url').slice(0, 40);
          const tokenId = insertToken.get(id, sha256(secret), iso(T0)).id;
          made.push({ id, token: `${tokenId}|${secret}` });
        }
        return made;
      })();
    },
    /** Conversations for pairs [a, b] of user ids; returns their ids in the same order. */
    conversations(pairs) {
      return db.transaction(() =>
        pairs.map(([a, b]) => {
          const [low, high] = a < b ? [a, b] : [b, a];
          const id = insertConversation.get(low, high, iso(T0), iso(T0)).id;
          insertParticipant.run(id, low);
          insertParticipant.run(id, high);
          return id;
        }),
      )();
    },
    /** `count` messages in one conversation, alternating senders unless `senders` has one id. */
    messages(conversationId, senders, count) {
      db.transaction(() => {
        for (let i = 0; i < count; i++) {
          clock += 1;
          insertMessage.run(conversationId, senders[i % senders.length], `seeded message ${i}`, iso(clock));
        }
      })();
    },
    /** Latest message per conversation, read watermarks (everyone read all but `unread`), stored counters. */
    finish({ readAll = true } = {}) {
      db.transaction(() => {
        db.prepare(
          `UPDATE conversations SET last_message_id = (SELECT MAX(id) FROM messages m WHERE m.conversation_id = conversations.id),
                                    updated_at = COALESCE((SELECT MAX(created_at) FROM messages m WHERE m.conversation_id = conversations.id), updated_at)`,
        ).run();
        if (readAll) {
          db.prepare(
            'UPDATE participants SET last_read_message_id = COALESCE((SELECT last_message_id FROM conversations c WHERE c.id = participants.conversation_id), 0)',
          ).run();
        }
      })();
      recountUnread(db);
    },
    /** Marks `userId` as never having read `conversationId` (its whole history from the other side is unread). */
    unread(conversationId, userId) {
      db.prepare('UPDATE participants SET last_read_message_id = 0, last_read_at = NULL WHERE conversation_id = ? AND user_id = ?').run(
        conversationId,
        userId,
      );
    },
    close() {
      recountUnread(db);
      db.pragma('wal_checkpoint(TRUNCATE)');
      return store.close();
    },
  };
}

/** Recomputes the stored unread counters when the schema has them (migration 3), as the migration does. */
function recountUnread(db) {
  const columns = db.prepare('PRAGMA table_info(participants)').all().map((c) => c.name);
  if (!columns.includes('unread_count')) return;
  db.prepare(
    `UPDATE participants SET unread_count = (
       SELECT COUNT(*) FROM messages x
        WHERE x.conversation_id = participants.conversation_id
          AND x.sender_id != participants.user_id
          AND x.id > participants.last_read_message_id)`,
  ).run();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    process.stderr.write('usage: node bench/seed-db.js <file.sqlite> [--messages 1000]\n');
    process.exit(2);
  }
  const seed = openSeed(file);
  const [a, b] = seed.users(2);
  const [conversation] = seed.conversations([[a.id, b.id]]);
  seed.messages(conversation, [a.id, b.id], option('messages', 1000));
  seed.finish();
  await seed.close();
  process.stdout.write(`${JSON.stringify({ database: file, conversation, users: [a, b] })}\n`);
}
