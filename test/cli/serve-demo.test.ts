// `chatctl serve --demo` as a user runs it (the built binary, a child process): the login lines it
// prints work, /health marks the data as demo, the conversations are in English and Arabic, and
// running it again leaves the database exactly as it was.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATCTL } from '../helpers/cli.js';
import { api, startTestServer } from '../helpers/server.js';

interface DemoServe {
  url: string;
  stdout: string;
  stop(): Promise<number | null>;
}

/** Starts `chatctl serve --demo` and resolves once everything it prints at start-up is there. */
function serveDemo(db: string, cwd: string): Promise<DemoServe> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHATCTL, ['serve', '--demo', '--port', '0', '--db', db], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, BROADCAST_DRIVER: 'embedded' } });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start\nstdout: ${stdout}\nstderr: ${stderr}`)), 30_000);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)?.[0];
      if (url && stdout.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        // One answered request: the process is past start-up and handles SIGTERM itself.
        const printed = stdout;
        void fetch(`${url}/health`).then(
          () => resolve({ url, stdout: printed, stop: () => (child.kill('SIGTERM'), exited) }),
          reject,
        );
      }
    });
    void exited.then((code) => reject(new Error(`serve --demo exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`)));
  });
}

/** Everything the demo writes, read straight from the database (tokens aside: logging in adds those). */
function dump(db: string): Record<string, unknown[]> {
  const sqlite = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const tables = ['users', 'conversations', 'participants', 'messages'];
    return Object.fromEntries(tables.map((table) => [table, sqlite.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));
  } finally {
    sqlite.close();
  }
}

const LOGIN_LINE = /^ {2}log in as (\S+@\S+) +password (\S+) +\((.+)\)$/;

describe('chatctl serve --demo', { timeout: 90_000 }, () => {
  let dir: string;
  let db: string;
  let first: DemoServe;
  let firstDump: Record<string, unknown[]>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-demo-'));
    db = join(dir, 'chat.sqlite');
    first = await serveDemo(db, dir);
    expect(await first.stop()).toBe(0);
    firstDump = dump(db);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one login line per demo user, then how to open the chat', () => {
    const lines = first.stdout.split('\n');
    const logins = lines.filter((line) => LOGIN_LINE.test(line));
    expect(logins.map((line) => LOGIN_LINE.exec(line)!.slice(1))).toEqual([
      ['ann@demo.test', 'demo-ann-1', 'Ann Lee'],
      ['bob@demo.test', 'demo-bob-1', 'Bob Stone'],
      ['omar@demo.test', 'demo-omar-1', 'Omar Haddad'],
      ['layla@demo.test', 'demo-layla-1', 'Layla Nasser'],
    ]);
    expect(first.stdout).toContain('demo data (seeded;');
    expect(first.stdout).toMatch(/next: run {2}chatctl chat --server http:\/\/127\.0\.0\.1:\d+ {2}in two more terminals/);
    expect(first.stdout).not.toContain('next: create a user');
    expect(firstDump.users).toHaveLength(4);
    expect(firstDump.conversations).toHaveLength(4);
    expect(firstDump.messages).toHaveLength(17);
  });

  it('a second run leaves the same data, says so, and its logins, /health and conversations work', async () => {
    const second = await serveDemo(db, dir);
    try {
      expect(dump(db)).toEqual(firstDump); // read while it runs: nothing was added or changed
      expect(second.stdout).toContain('demo data (already there, unchanged;');
      expect(second.stdout.split('\n').filter((line) => LOGIN_LINE.test(line))).toHaveLength(4);

      const health = await api(second, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.data.demo).toBe(true);

      const login = async (email: string, password: string) => {
        const res = await api(second, 'POST', '/api/login', { json: { email, password } });
        expect(res.status).toBe(200);
        return res.body.data.token as string;
      };
      const ann = await login('ann@demo.test', 'demo-ann-1');
      const layla = await login('layla@demo.test', 'demo-layla-1');
      const list = (await api(second, 'GET', '/api/chat/conversations', { token: ann })).body.data as Array<{ other_user: { name: string }; unread_count: number; latest_message: { message: string } }>;
      expect(list.map((c) => [c.other_user.name, c.unread_count, c.latest_message.message]).sort()).toEqual([
        ['Bob Stone', 2, 'Can you join the call at 3?'],
        ['Omar Haddad', 1, 'Perfect! شكراً'],
      ]);
      const laylas = (await api(second, 'GET', '/api/chat/conversations', { token: layla })).body.data as Array<{ id: number; other_user: { name: string } }>;
      const arabic = laylas.find((c) => c.other_user.name === 'Omar Haddad')!;
      const history = (await api(second, 'GET', `/api/chat/conversations/${arabic.id}/messages`, { token: layla })).body.data as Array<{ message: string }>;
      expect(history.map((m) => m.message)).toEqual(['مرحبا ليلى! كيف حالك؟', 'أهلاً عمر، بخير والحمد لله. وأنت؟', 'بخير. هل أرسلتِ التقرير؟', 'نعم، أرسلته صباح اليوم.', 'أخبرني إذا احتجت أي تعديل.']);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('a demo e-mail someone registered first is left alone, and its login line is flagged as not usable', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'chatctl-demo-taken-'));
    try {
      const before = await startTestServer({}, { dir: dir2 });
      expect((await api(before, 'POST', '/api/register', { json: { name: 'Real Ann', email: 'ann@demo.test', password: 'her-own-secret' } })).status).toBe(201);
      await before.stop();
      const demo = await startTestServer({}, { dir: dir2, demo: true });
      try {
        expect(demo.demo?.logins.map((l) => [l.email, l.usable])).toEqual([
          ['ann@demo.test', false],
          ['bob@demo.test', true],
          ['omar@demo.test', true],
          ['layla@demo.test', true],
        ]);
        expect((await api(demo, 'POST', '/api/login', { json: { email: 'ann@demo.test', password: 'her-own-secret' } })).status).toBe(200);
        expect((await api(demo, 'POST', '/api/login', { json: { email: 'ann@demo.test', password: 'demo-ann-1' } })).status).toBe(422);
      } finally {
        await demo.stop();
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('a database without the demo accounts is not marked demo', async () => {
    const plain = await startTestServer();
    try {
      expect((await api(plain, 'GET', '/health')).body.data.demo).toBe(false);
    } finally {
      await plain.stop();
    }
  });
});
