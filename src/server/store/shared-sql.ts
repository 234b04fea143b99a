// SQL text and retention settings that SQLite and PostgreSQL share, kept in one place so the two
// stores cannot drift apart.

/** How long an idempotency key is kept: keys are promised for 24 h; keep twice that. */
export const IDEMPOTENCY_TTL_MS = 48 * 60 * 60 * 1000;
/** Expired idempotency keys are pruned once every this many keyed sends. */
export const PRUNE_EVERY_INSERTS = 500;

/** The columns of one message row (`MessageRow`), from `messages m JOIN users s ON s.id = m.sender_id`. */
export const MESSAGE_COLUMNS = `
  m.id, m.conversation_id, m.sender_id, m.type, m.body, m.attachment, m.created_at,
  s.name AS sender_name, s.avatar AS sender_avatar,
  (SELECT p.last_read_message_id FROM participants p
    WHERE p.conversation_id = m.conversation_id AND p.user_id != m.sender_id) AS recipient_last_read`;
