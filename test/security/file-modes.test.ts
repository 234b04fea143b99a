// Issue 7 item 9: the data folder is created 0700, the database files 0600, the uploads folder
// 0700 and uploaded files 0600; files an older version left readable lose group/other access.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerAs, upload } from '../helpers/flows.js';
import { startConversation, startTestServer } from '../helpers/server.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('file modes', () => {
  const root = mkdtempSync(join(tmpdir(), 'chatctl-modes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a fresh data folder, database, credentials and uploads are private', async () => {
    const data = join(root, 'fresh', 'data');
    const server = await startTestServer({ DB_DATABASE: join(data, 'chat.sqlite') }, { dir: root });
    try {
      const ann = await registerAs(server, 'Ann', 'ann@modes.test');
      const bob = await registerAs(server, 'Bob', 'bob@modes.test');
      const conversationId = await startConversation(server, ann, bob);
      const res = await upload(server, ann, conversationId, { file: { bytes: 'hello', name: 'a.txt', mime: 'text/plain' } });
      expect(res.status).toBe(201);

      expect(modeOf(join(root, 'fresh'))).toBe('700');
      expect(modeOf(data)).toBe('700');
      for (const file of ['chat.sqlite', 'chat.sqlite-wal', 'chat.sqlite-shm', 'pusher-app.json']) {
        expect([file, modeOf(join(data, file))]).toEqual([file, '600']);
      }
      expect(modeOf(join(data, 'uploads'))).toBe('700');
      const stored = readdirSync(join(data, 'uploads'));
      expect(stored.length).toBe(1);
      expect(modeOf(join(data, 'uploads', stored[0]!))).toBe('600');
    } finally {
      await server.close();
    }
  });

  it('database files an older version created 0644 are tightened to 0600 on start', async () => {
    const data = join(root, 'fresh', 'data');
    for (const file of ['chat.sqlite', 'chat.sqlite-wal', 'chat.sqlite-shm']) {
      try {
        chmodSync(join(data, file), 0o644);
      } catch {
        /* -wal/-shm are removed on a clean close */
      }
    }
    chmodSync(join(data, 'uploads'), 0o755);
    const server = await startTestServer({ DB_DATABASE: join(data, 'chat.sqlite') }, { dir: root });
    try {
      for (const file of ['chat.sqlite', 'chat.sqlite-wal', 'chat.sqlite-shm']) {
        expect([file, modeOf(join(data, file))]).toEqual([file, '600']);
      }
    } finally {
      await server.close();
    }
  });
});
