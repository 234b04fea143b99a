// The raw baseline: what the hardware does with no framework. node:http + better-sqlite3 with
// the same synchronous=FULL (one commit per message) + ws speaking just enough of the Pusher
// protocol for pusher-js (connect, subscribe, ping) with the same message.sent payload.
//   node bench/baseline/raw-server.js <seeded chatctl database>   → prints {"url","port","key"}
import { createHash, createHmac, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { WebSocketServer } from 'ws';

const KEY = 'raw-key';
const SECRET = 'raw-secret';
const db = new Database(process.argv[2]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');

const tokenById = db.prepare('SELECT user_id, token_hash FROM personal_access_tokens WHERE id = ?');
const userById = db.prepare('SELECT id, name, avatar FROM users WHERE id = ?');
const isParticipant = db.prepare('SELECT 1 FROM participants WHERE conversation_id = ? AND user_id = ?');
const insert = db.prepare("INSERT INTO messages (conversation_id, sender_id, type, body, created_at) VALUES (?, ?, 'text', ?, ?) RETURNING id");
const touch = db.prepare('UPDATE conversations SET last_message_id = ?, updated_at = ? WHERE id = ?');
const send = db.transaction((conversationId, senderId, body, now) => {
  const { id } = insert.get(conversationId, senderId, body, now);
  touch.run(id, now, conversationId);
  return id;
});

/** channel → Set of sockets */
const channels = new Map();

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function authenticate(req) {
  const header = req.headers.authorization ?? '';
  const plain = header.startsWith('Bearer ') ? header.slice(7) : '';
  const bar = plain.indexOf('|');
  const row = bar > 0 ? tokenById.get(Number(plain.slice(0, bar))) : undefined;
  if (!row || row.token_hash !== createHash('sha256').update(plain.slice(bar + 1)).digest('hex')) return undefined;
  return userById.get(row.user_id);
}

const SEND_PATH = /^\/api\/chat\/conversations\/(\d+)\/messages$/;

const server = createServer(async (req, res) => {
  const body = await readBody(req);
  if (req.method === 'POST' && req.url === '/broadcasting/auth') {
    const params = new URLSearchParams(body);
    const sig = createHmac('sha256', SECRET).update(`${params.get('socket_id')}:${params.get('channel_name')}`).digest('hex');
    return json(res, 200, { auth: `${KEY}:${sig}` });
  }
  if (req.method === 'POST' && req.url?.startsWith('/apps/raw/events')) {
    // The fan-out trigger, like Pusher's HTTP API but unsigned (loopback bench only).
    const { name, channels: names, data } = JSON.parse(body);
    for (const channel of names) {
      const frame = JSON.stringify({ event: name, channel, data });
      for (const ws of channels.get(channel) ?? []) ws.send(frame);
    }
    return json(res, 200, {});
  }
  const match = SEND_PATH.exec(req.url ?? '');
  if (req.method !== 'POST' || !match) return json(res, 404, { status: false, message: 'Not Found' });
  const user = authenticate(req);
  if (!user) return json(res, 401, { status: false, message: 'Unauthenticated.' });
  const conversationId = Number(match[1]);
  if (!isParticipant.get(conversationId, user.id)) return json(res, 403, { status: false, message: 'Forbidden' });
  let message;
  try {
    message = JSON.parse(body).message;
  } catch {
    return json(res, 400, { status: false, message: 'Malformed body' });
  }
  const now = new Date().toISOString();
  const id = send(conversationId, user.id, String(message), now);
  const createdAt = now.replace(/\.\d+Z$/, 'Z');
  const sender = { id: user.id, name: user.name, avatar: user.avatar };
  const event = { id, conversation_id: conversationId, sender_id: user.id, message, type: 'text', created_at: createdAt, sender };
  const channel = `private-conversation.${conversationId}`;
  const subscribers = channels.get(channel);
  if (subscribers) {
    const frame = JSON.stringify({ event: 'message.sent', channel, data: JSON.stringify(event) });
    for (const ws of subscribers) ws.send(frame);
  }
  json(res, 201, { status: true, message: 'Message sent', data: { ...event, is_read: false } });
});

const wss = new WebSocketServer({ server, clientTracking: false });
wss.on('connection', (ws) => {
  const socketId = `${randomInt(1, 1e9)}.${randomInt(1, 1e9)}`;
  const mine = new Set();
  ws.on('message', (raw) => {
    let frame;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (frame.event === 'pusher:ping') ws.send('{"event":"pusher:pong","data":"{}"}');
    else if (frame.event === 'pusher:subscribe' && typeof frame.data?.channel === 'string') {
      const name = frame.data.channel;
      if (!channels.has(name)) channels.set(name, new Set());
      channels.get(name).add(ws);
      mine.add(name);
      ws.send(JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel: name, data: '{}' }));
    }
  });
  ws.on('close', () => {
    for (const name of mine) channels.get(name)?.delete(ws);
  });
  ws.on('error', () => {});
  ws.send(JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: socketId, activity_timeout: 30 }) }));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, port, key: KEY, secret: SECRET, appId: 'raw' })}\n`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
