// Users and personal access tokens on PostgreSQL: the same behaviour as SqliteStore's.
import { LAST_USED_RESOLUTION_MS, newTokenSecret, secretMatches, sha256 } from '../token-secrets.js';
import type pg from 'pg';
import { toToken, toUser, type TokenRow, type UserRow } from '../sqlite/rows.js';
import type { AccessToken, User, UserWithPassword } from '../types.js';
import { EmailTakenError } from '../types.js';
import { foldEmail as emailLookupKey } from '../../../shared/email.js';

const UNIQUE_VIOLATION = '23505';

export async function createUser(
  db: pg.Pool,
  now: string,
  input: { name: string; email: string; passwordHash: string; avatar?: string | null },
): Promise<User> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (name, email, email_key, password_hash, avatar, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [input.name, input.email, emailLookupKey(input.email), input.passwordHash, input.avatar ?? null, now],
    );
    return toUser(rows[0] as UserRow);
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new EmailTakenError(input.email);
    throw error;
  }
}

export async function findUserById(db: pg.Pool, id: number): Promise<User | null> {
  if (!Number.isSafeInteger(id)) return null;
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserByEmail(db: pg.Pool, email: string): Promise<UserWithPassword | null> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE email_key = $1', [emailLookupKey(email)]);
  const row = rows[0];
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

/** Names match by substring (case-insensitive); e-mails only exactly. Sorted like SQLite's NOCASE. */
export async function listUsers(db: pg.Pool, options: { search?: string; excludeUserId?: number; limit: number }): Promise<User[]> {
  const search = options.search?.trim();
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await db.query<UserRow>(
    `SELECT * FROM users
      WHERE ($1::bigint IS NULL OR id != $1)
        AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\' OR email_key = $3)
      ORDER BY lower(name) COLLATE "C", id
      LIMIT $4`,
    [options.excludeUserId ?? null, pattern, search ? emailLookupKey(search) : null, options.limit],
  );
  return rows.map(toUser);
}

export async function createToken(db: pg.Pool, now: string, userId: number, name: string): Promise<{ token: AccessToken; plainText: string }> {
  const secret = newTokenSecret();
  const { rows } = await db.query<TokenRow>(
    'INSERT INTO personal_access_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
    [userId, name, sha256(secret), now],
  );
  const row = rows[0] as TokenRow;
  return { token: toToken(row), plainText: `${row.id}|${secret}` };
}

export async function authenticateToken(db: pg.Pool, now: Date, plainText: string): Promise<{ token: AccessToken; user: User } | null> {
  const separator = plainText.indexOf('|');
  let secret = plainText;
  let result: pg.QueryResult<TokenRow>;
  if (separator > 0) {
    const id = Number(plainText.slice(0, separator));
    secret = plainText.slice(separator + 1);
    if (!Number.isSafeInteger(id)) return null;
    result = await db.query<TokenRow>('SELECT * FROM personal_access_tokens WHERE id = $1', [id]);
  } else {
    result = await db.query<TokenRow>('SELECT * FROM personal_access_tokens WHERE token_hash = $1', [sha256(secret)]);
  }
  const row = result.rows[0];
  if (!row || row.revoked_at !== null) return null;
  if (!secretMatches(row.token_hash, secret)) return null;
  const users = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [row.user_id]);
  const user = users.rows[0];
  if (!user) return null;
  // As SqliteStore: last_used_at at most once a minute, so reads stay reads.
  let lastUsedAt = row.last_used_at;
  if (!lastUsedAt || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
    lastUsedAt = now.toISOString();
    await db.query('UPDATE personal_access_tokens SET last_used_at = $1 WHERE id = $2', [lastUsedAt, row.id]);
  }
  return { token: toToken({ ...row, last_used_at: lastUsedAt }), user: toUser(user) };
}

export async function listTokens(db: pg.Pool, userId?: number): Promise<AccessToken[]> {
  const { rows } = await db.query<TokenRow>(
    'SELECT * FROM personal_access_tokens WHERE ($1::bigint IS NULL OR user_id = $1) ORDER BY id',
    [userId ?? null],
  );
  return rows.map(toToken);
}

export async function revokeToken(db: pg.Pool, now: string, tokenId: number): Promise<boolean> {
  if (!Number.isSafeInteger(tokenId)) return false;
  const result = await db.query('UPDATE personal_access_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, tokenId]);
  return (result.rowCount ?? 0) > 0;
}

/** Of these ids, those revoked or gone: primary-key look-ups for just these ids. */
export async function revokedTokenIds(db: pg.Pool, tokenIds: readonly number[]): Promise<number[]> {
  const ids = tokenIds.filter((id) => Number.isSafeInteger(id));
  if (tokenIds.length === 0) return [];
  const { rows } = await db.query<{ id: number }>('SELECT id FROM personal_access_tokens WHERE id = ANY($1::bigint[]) AND revoked_at IS NULL', [ids]);
  const live = new Set(rows.map((row) => row.id));
  return tokenIds.filter((id) => !live.has(id));
}
