// The periodic check behind `chatctl token revoke` closing sockets, with a real SQLite store and
// the real embedded server (the end-to-end run through the CLI is in token-revocation.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RevocationWatcher } from '../../src/server/broadcasting/token-revocation.js';
import { SqliteStore } from '../../src/server/store/index.js';
import { APP, startHarness, type Harness } from '../pusher/helpers.js';

let harness: Harness | undefined;
let store: SqliteStore | undefined;
let dir: string | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await harness?.close();
  await store?.close().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
  harness = store = dir = undefined;
});

function connect(port: number): Promise<{ ws: WebSocket; socketId: string; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${APP.key}?protocol=7`);
    sockets.push(ws);
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.once('message', (data) => {
      const frame = JSON.parse(data.toString()) as { data: string };
      resolve({ ws, closed, socketId: (JSON.parse(frame.data) as { socket_id: string }).socket_id });
    });
  });
}

async function setUp() {
  harness = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'chatctl-revocation-'));
  store = new SqliteStore(join(dir, 'chat.sqlite'));
  const user = await store.createUser({ name: 'Ann', email: 'ann@example.com', passwordHash: 'x' });
  const [revoked, kept] = [await store.createToken(user.id, 'phone'), await store.createToken(user.id, 'laptop')];
  const [a, b] = [await connect(harness.port), await connect(harness.port)];
  expect(harness.embedded.bindSocketToToken(a.socketId, String(revoked.token.id))).toBe(true);
  expect(harness.embedded.bindSocketToToken(b.socketId, String(kept.token.id))).toBe(true);
  expect(harness.embedded.bindSocketToToken('1.2', String(kept.token.id))).toBe(false); // not connected here
  return { harness, store, a, b, revoked: revoked.token.id, kept: kept.token.id };
}

describe('RevocationWatcher', () => {
  it('closes the sockets of revoked tokens (4009) and leaves the others', async () => {
    const { harness: h, store: s, a, b, revoked, kept } = await setUp();
    const watcher = new RevocationWatcher({ sessions: h.embedded, revokedTokenIds: (ids) => s.revokedTokenIds(ids), intervalMs: 60_000 });
    expect(h.embedded.boundTokenIds().sort()).toEqual([String(revoked), String(kept)].sort());
    await watcher.check();
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    await s.revokeToken(revoked);
    await watcher.check();
    expect(await a.closed).toBe(4009);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    await expect.poll(() => h.embedded.boundTokenIds()).toEqual([String(kept)]); // a closed socket is forgotten
  });

  it('a failing store is logged, not thrown, and the timer keeps running', async () => {
    const { harness: h, store: s, b } = await setUp();
    const logs: string[] = [];
    const watcher = new RevocationWatcher({
      sessions: h.embedded,
      revokedTokenIds: (ids) => s.revokedTokenIds(ids),
      intervalMs: 60_000,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    await s.close();
    await watcher.check();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn: realtime: revoked-token check failed: /);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    await watcher.stop();
  });
});
