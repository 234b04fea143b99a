// Issue 7 item 12: doctor never prints a secret, in any output path. The built binary runs against
// a real chatctl relay (BROADCAST_DRIVER=pusher) with swapped, wrong and placeholder credentials
// plus the other secrets a Laravel .env holds, human and --json, and ALL of stdout and stderr is
// scanned for every value that is, or could be, a secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSecrets, redactText } from '../../src/doctor/secrets.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Pusher Channels' shapes: key and secret are both 20 hex characters.
const KEY = '3f9a1c2b4d5e6f708192';
const SECRET = 'a7b8c9d0e1f2a3b4c5d6';
const WRONG = '0123456789abcdef0123';
const OTHER_SECRETS = {
  APP_KEY: 'base64:Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg=',
  DB_PASSWORD: 'hunter2',
  REDIS_PASSWORD: 'redis-pass-0987654321',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  MAIL_PASSWORD: 'mail-password-556677',
  DATABASE_URL: 'mysql://forge:url-pass-3344556677@127.0.0.1/forge',
};
const SCANNED = [KEY, SECRET, WRONG, 'your_app_secret_here', ...Object.values(OTHER_SECRETS).filter((v) => !v.includes('://')), 'url-pass-3344556677'];

let relay: TestServer;
const dirs: string[] = [];
beforeAll(async () => {
  relay = await startTestServer({ PUSHER_APP_ID: '4242', PUSHER_APP_KEY: KEY, PUSHER_APP_SECRET: SECRET });
});
afterAll(async () => {
  await relay.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function laravelFolder(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-doctor-secrets-'));
  dirs.push(dir);
  const env = { APP_NAME: 'Laravel', ...OTHER_SECRETS, BROADCAST_DRIVER: 'pusher', PUSHER_HOST: '127.0.0.1', PUSHER_PORT: String(relay.port), PUSHER_SCHEME: 'http', PORT: '1', ...values };
  writeFileSync(join(dir, '.env'), Object.entries(env).map(([name, value]) => `${name}="${value}"`).join('\n'));
  writeFileSync(join(dir, 'artisan'), '<?php\n');
  return dir;
}

const CASES: Record<string, Record<string, string>> = {
  'swapped key and secret': { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: SECRET, PUSHER_APP_SECRET: KEY },
  'a wrong secret': { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: KEY, PUSHER_APP_SECRET: WRONG },
  'a wrong key of the secret’s shape': { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: WRONG, PUSHER_APP_SECRET: SECRET },
  'the secret leaked to the front end': { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: KEY, PUSHER_APP_SECRET: SECRET, VITE_PUSHER_APP_KEY: SECRET, VITE_PUSHER_APP_SECRET: SECRET },
  'placeholders': { PUSHER_APP_ID: 'your_app_id', PUSHER_APP_KEY: 'your_app_key', PUSHER_APP_SECRET: 'your_app_secret_here' },
  'Pusher cloud, swapped, offline': { PUSHER_HOST: '', PUSHER_PORT: '', PUSHER_SCHEME: '', PUSHER_APP_CLUSTER: 'invalid.cluster.test', PUSHER_APP_ID: '4242', PUSHER_APP_KEY: SECRET, PUSHER_APP_SECRET: KEY },
};

describe('doctor never prints a secret (issue 7 item 12)', () => {
  for (const [name, values] of Object.entries(CASES)) {
    it(`${name}: neither the human report nor --json nor stderr holds any secret`, async () => {
      const dir = laravelFolder(values);
      // The relay's own key is public (it hands it to every client): only this folder's values count.
      const configured = Object.values({ ...OTHER_SECRETS, ...values });
      const scanned = SCANNED.filter((secret) => configured.some((value) => value.includes(secret)));
      expect(scanned.length).toBeGreaterThanOrEqual(7);
      for (const args of [['doctor'], ['doctor', '--json'], ['doctor', '--json', '--server', relay.url], ['doctor', '--strict', '--server', relay.url, '--token', 'tok|sekrit-token-value-42']]) {
        const result = await runCli([...args, '--timeout', '2'], { cwd: dir, timeoutMs: 30_000 });
        expect([0, 1], `${args.join(' ')}\n${result.stderr}`).toContain(result.code);
        const output = result.stdout + result.stderr;
        expect(output.length).toBeGreaterThan(200);
        for (const secret of [...scanned, 'sekrit-token-value-42']) expect(output, `${args.join(' ')} printed ${secret}`).not.toContain(secret);
        if (args.includes('--json')) JSON.parse(result.stdout);
      }
    }, 60_000);
  }

  it('the masks stay informative: length and last two characters', async () => {
    const dir = laravelFolder(CASES['a wrong secret']!);
    const result = await runCli(['doctor', '--json', '--only', 'credentials'], { cwd: dir });
    const present = (JSON.parse(result.stdout) as { checks: { id: string; detail: string }[] }).checks.find((c) => c.id === 'credentials.present');
    // The key has the secret's shape, so it is masked as well: doctor cannot tell which is which.
    expect(present?.detail).toBe('app 4242, key ********92 (20 chars), secret ********23 (20 chars)');
  });
});

describe('which values count as secrets', () => {
  it('secret names, URL passwords, and keys that could be the secret', () => {
    const secrets = collectSecrets({
      PUSHER_APP_KEY: KEY,
      PUSHER_APP_SECRET: SECRET,
      REVERB_APP_KEY: 'reverb-key',
      REVERB_APP_SECRET: 'reverb-secret-value',
      VITE_PUSHER_APP_KEY: KEY,
      APP_KEY: 'base64:abc',
      DB_PASSWORD: 'root',
      REDIS_URL: 'redis://:p%40ss-word@localhost:6379',
      AWS_SECRET_ACCESS_KEY: 'aws',
      DB_HOST: '127.0.0.1',
      MAIL_PASSWORD: 'null',
    });
    expect([...secrets].sort()).toEqual([KEY, SECRET, 'aws', 'base64:abc', 'p@ss-word', 'reverb-secret-value', 'root'].sort());
  });

  it('short secrets are masked only where they stand alone', () => {
    expect(redactText('user root in /chroot/x, root.', ['root'])).toBe('user ******** (4 chars) in /chroot/x, ******** (4 chars).');
  });
});
