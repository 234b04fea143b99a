// `chatctl doctor` as a child process of the built binary, in temp working folders, against real
// chatctl servers: a healthy embedded setup, BROADCAST_DRIVER=pusher relaying into another chatctl
// (right and wrong secret, wrong key, dead port, silent host), the seed's placeholder .env.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/doctor/database.js';
import { CHECKS } from '../../src/doctor/runner.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface JsonCheck {
  id: string;
  category: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix?: string;
}

const APP = { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: 'relay-key-0123456789', PUSHER_APP_SECRET: 'relay-secret-abcdefghijklmnop' };
const WRONG_SECRET = 'wrong-secret-zyxwvutsrqponm';

const dirs: string[] = [];
function workdir(env?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-doctor-'));
  dirs.push(dir);
  if (env !== undefined) writeFileSync(join(dir, '.env'), env);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function parse(result: CliResult): { ok: boolean; checks: JsonCheck[] } {
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as { ok: boolean; checks: JsonCheck[] };
}

function byId(checks: JsonCheck[], id: string): JsonCheck {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((c) => c.id).join(', ')}`);
  return found;
}

describe('chatctl doctor: a healthy embedded setup with its server running', () => {
  let dir: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = workdir();
    server = await startTestServer({ DB_DATABASE: join(dir, 'database', 'chat.sqlite') }, { dir });
    writeFileSync(join(dir, '.env'), `# chatctl\nPORT=${server.port}\nAPP_LOCALE=en\n`);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('exits 0, every check ok or skipped, and the server checks really ran', async () => {
    const result = await runCli(['doctor', '--json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = parse(result);
    expect(report.ok).toBe(true);
    for (const check of report.checks) expect(['ok', 'skip'], `${check.id}: ${check.detail}`).toContain(check.status);
    const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(statuses).toMatchObject({
      'config.env-file': 'ok',
      'config.values': 'ok',
      'config.broadcast-driver': 'ok',
      'database.file': 'ok',
      'database.schema': 'ok',
      'database.wal': 'ok',
      'credentials.present': 'skip',
      'connectivity.http-api': 'skip',
      'embedded.credentials': 'ok',
      'embedded.file-mode': 'ok',
      'server.health': 'ok',
      'server.realtime': 'ok',
      'server.websocket': 'ok',
      'server.auth-endpoint': 'ok',
    });
    expect(byId(report.checks, 'database.schema').detail).toBe(`schema version ${LATEST_SCHEMA_VERSION} (latest), 0 users`);
    expect(byId(report.checks, 'embedded.file-mode').detail).toMatch(/has mode 0600/);
    expect(byId(report.checks, 'server.realtime').detail).toBe(
      `driver embedded, key ${server.realtime.key} (matches this configuration); clients connect to ws://127.0.0.1:${server.port}`,
    );
    expect(byId(report.checks, 'server.websocket').detail).toMatch(/answered pusher:connection_established in \d+ ms \(activity_timeout 30 s\)$/);
    expect(byId(report.checks, 'server.auth-endpoint').detail).toBe(
      `http://127.0.0.1:${server.port}/broadcasting/auth is absolute and refuses a request without a token (401), as it should`,
    );
    // The generated secret is shown masked, never in full.
    const { secret } = JSON.parse(readFileSync(join(dir, 'database', 'pusher-app.json'), 'utf8')) as { secret: string };
    expect(result.stdout).not.toContain(secret);
    expect(byId(report.checks, 'embedded.credentials').detail).toContain(`secret ********${secret.slice(-2)} (40 chars)`);
  });

  it('human output: a header, ASCII markers when not a terminal, and "No issues found."', async () => {
    const result = await runCli(['doctor'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(''); // no progress line: stderr is not a terminal
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`Doctor summary for ${dir}`);
    expect(result.stdout).toContain('\nConfiguration\n[ok]   Env file\n');
    expect(result.stdout).toMatch(
      new RegExp(`\\nRunning server\\n\\[ok\\]   Health\\n       • chatctl [\\d.]+ on http://127\\.0\\.0\\.1:${server.port}: database ok, broadcasting embedded \\(0 published\\), \\d+ live connections?\\n`),
    );
    expect(result.stdout).toContain('[skip] 6 checks skipped: the driver is embedded (default) and no PUSHER_* variable is set');
    expect(result.stdout).not.toMatch(/[✓✗]/);
    expect(result.stdout.endsWith('\nNo issues found.\n')).toBe(true);
  });

  it('a key other than the one the server advertises fails: clients would connect with the wrong key', async () => {
    const result = await runCli(['doctor', '--only', 'server', '--json'], { cwd: dir, env: { ...APP } });
    expect(result.code).toBe(1);
    const realtime = byId(parse(result).checks, 'server.realtime');
    expect(realtime.status).toBe('fail');
    expect(realtime.detail).toBe(`the server advertises key ${server.realtime.key} but the configuration here has ${APP.PUSHER_APP_KEY}: clients connect with the wrong key`);
    expect(result.stdout).not.toContain(APP.PUSHER_APP_SECRET);
  });
});

describe('chatctl doctor: BROADCAST_DRIVER=pusher through another chatctl', () => {
  let relay: TestServer;
  let dir: string;
  let deadServerPort: number;

  beforeAll(async () => {
    relay = await startTestServer({ ...APP });
    deadServerPort = await closedPort();
    dir = workdir(
      [
        'BROADCAST_DRIVER=pusher',
        `PUSHER_APP_ID=${APP.PUSHER_APP_ID}`,
        `PUSHER_APP_KEY=${APP.PUSHER_APP_KEY}`,
        `PUSHER_APP_SECRET=${APP.PUSHER_APP_SECRET}`,
        'PUSHER_HOST=127.0.0.1',
        `PUSHER_PORT=${relay.port}`,
        'PUSHER_SCHEME=http',
        `PORT=${deadServerPort}`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await relay.stop();
  });

  it('(b) the right credentials: the signed HTTP call and the WebSocket handshake succeed', async () => {
    const result = await runCli(['doctor', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const { ok, checks } = parse(result);
    expect(ok).toBe(true);
    expect(byId(checks, 'connectivity.http-api')).toMatchObject({ status: 'ok' });
    expect(byId(checks, 'connectivity.http-api').detail).toMatch(
      new RegExp(`^app 4242 on http://127\\.0\\.0\\.1:${relay.port} accepted a signed GET /apps/4242/channels \\(0 occupied, \\d+ ms\\)$`),
    );
    expect(byId(checks, 'connectivity.websocket').status).toBe('ok');
    expect(byId(checks, 'credentials.present').detail).toBe('app 4242, key relay-key-0123456789, secret ********op (29 chars)');
    expect(byId(checks, 'embedded.credentials').status).toBe('skip');
    expect(byId(checks, 'server.health')).toMatchObject({ status: 'skip', detail: `no server answers on http://127.0.0.1:${deadServerPort} (start chatctl serve, or pass --server URL)` });
    expect(result.stdout).not.toContain(APP.PUSHER_APP_SECRET);
  });

  it('(c) a wrong secret: exit 1, the 401 check fails with the hint, and no secret is printed', async () => {
    for (const json of [true, false]) {
      const result = await runCli(['doctor', ...(json ? ['--json'] : [])], { cwd: dir, env: { PUSHER_APP_SECRET: WRONG_SECRET } });
      expect(result.code).toBe(1);
      for (const output of [result.stdout, result.stderr]) {
        expect(output).not.toContain(WRONG_SECRET);
        expect(output).not.toContain(APP.PUSHER_APP_SECRET);
      }
      if (json) {
        const { ok, checks } = parse(result);
        expect(ok).toBe(false);
        expect(byId(checks, 'connectivity.http-api')).toEqual({
          id: 'connectivity.http-api',
          category: 'connectivity',
          status: 'fail',
          title: 'HTTP API (signed request)',
          detail: `http://127.0.0.1:${relay.port} refused the signature (401: Invalid signature): the secret (or key) does not match app 4242`,
          fix: 'use the app id, key and secret configured on 127.0.0.1; watch it live: chatctl console',
        });
        // The key is right, so the WebSocket side still works: the report says which half is wrong.
        expect(byId(checks, 'connectivity.websocket').status).toBe('ok');
        expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['connectivity.http-api']);
      } else {
        expect(result.stdout).toContain('[FAIL] HTTP API (signed request)\n');
        expect(result.stdout).toContain('the secret (or key) does not match app 4242');
        expect(result.stdout).toContain('secret ********nm (27 chars)');
        expect(result.stdout.endsWith('\nDoctor found 1 problem (0 warnings).\n')).toBe(true);
      }
    }
  });

  it('(d) a wrong key: the WebSocket handshake fails with 4001', async () => {
    const result = await runCli(['doctor', '--only', 'connectivity', '--json'], { cwd: dir, env: { PUSHER_APP_KEY: 'not-the-relay-key-00' } });
    expect(result.code).toBe(1);
    const { checks } = parse(result);
    expect(checks.map((c) => c.id)).toEqual(['connectivity.http-api', 'connectivity.websocket']);
    expect(byId(checks, 'connectivity.websocket')).toEqual({
      id: 'connectivity.websocket',
      category: 'connectivity',
      status: 'fail',
      title: 'WebSocket handshake',
      detail: `key not-the-relay-key-00 is unknown to that host (wrong key or cluster): ws://127.0.0.1:${relay.port}/app/not-the-relay-key-00 answered 4001 "Application does not exist"`,
      fix: 'use the key configured on 127.0.0.1; watch it live: chatctl console',
    });
    expect(byId(checks, 'connectivity.http-api').detail).toBe(
      `http://127.0.0.1:${relay.port} refused the request (401: Invalid auth_key for this app): the key not-the-relay-key-00 does not belong to app 4242`,
    );
  });

  it('a wrong app id: 404, no app on that host', async () => {
    const result = await runCli(['doctor', '--only', 'connectivity', '--json'], { cwd: dir, env: { PUSHER_APP_ID: '999' } });
    expect(result.code).toBe(1);
    expect(byId(parse(result).checks, 'connectivity.http-api')).toMatchObject({
      status: 'fail',
      detail: `no app 999 on that host: http://127.0.0.1:${relay.port} answered 404 (Unknown app id: 999)`,
    });
  });

  it('PUSHER_SCHEME left out for a plain-http server: https is tried, and the TLS mismatch fails', async () => {
    const result = await runCli(['doctor', '--only', 'pusher', '--json'], { cwd: dir, env: { PUSHER_SCHEME: '' } });
    expect(result.code).toBe(1);
    const { checks } = parse(result);
    expect(byId(checks, 'credentials.host')).toMatchObject({ status: 'warn', fix: 'set PUSHER_SCHEME=http' });
    const http = byId(checks, 'connectivity.http-api');
    expect(http.status).toBe('fail');
    expect(http.detail).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${relay.port} answers, but the TLS handshake failed \\(\\w+\\): that port seems to speak plain http$`));
    expect(http.fix).toBe('set PUSHER_SCHEME=http, or point PUSHER_PORT at the TLS port; watch it live: chatctl console');
    expect(byId(checks, 'connectivity.websocket').status).toBe('fail');
  });

  it('(e) a dead port: a configured host that refuses is a failure (exit 1), well within --timeout', async () => {
    const port = await closedPort();
    const started = Date.now();
    const result = await runCli(['doctor', '--timeout', '2'], { cwd: dir, env: { PUSHER_PORT: String(port) } });
    expect(Date.now() - started).toBeLessThan(2000 + 3000); // timeout + node start-up, with margin
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `[FAIL] HTTP API (signed request)\n       • http://127.0.0.1:${port} is unreachable from here: connection refused (nothing listens there)\n       → check PUSHER_HOST, PUSHER_PORT and PUSHER_SCHEME, and that the server runs and is reachable from here; watch it live: chatctl console\n`,
    );
    expect(result.stdout).toContain(`[FAIL] WebSocket handshake\n       • ws://127.0.0.1:${port}/app/relay-key-0123456789 is unreachable from here: connection refused (nothing listens there)\n`);
    expect(result.stdout.endsWith('\nDoctor found 2 problems (0 warnings).\n')).toBe(true);
  });

  it('(e) a host that accepts connections but never answers: failures after --timeout, no hang', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const result = await runCli(['doctor', '--only', 'connectivity', '--timeout', '1', '--json'], { cwd: dir, env: { PUSHER_PORT: String(port) } });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1000);
      expect(elapsed).toBeLessThan(1000 + 3000);
      expect(result.code).toBe(1);
      const { checks } = parse(result);
      expect(checks.map((c) => [c.status, c.detail])).toEqual([
        ['fail', `http://127.0.0.1:${port} is unreachable from here: no answer within 1 s`],
        ['fail', `ws://127.0.0.1:${port}/app/relay-key-0123456789 is unreachable from here: no answer within 1 s`],
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('Pusher cloud from a machine without internet degrades to warnings, never a hang or crash', async () => {
    const cloud = workdir(
      [
        'BROADCAST_DRIVER=pusher',
        'PUSHER_APP_ID=1234567',
        'PUSHER_APP_KEY=278d425bdf160c739803',
        'PUSHER_APP_SECRET=7ad3773142a6692b25b8',
        'PUSHER_APP_CLUSTER=invalid.cluster.test',
        '',
      ].join('\n'),
    );
    const result = await runCli(['doctor', '--only', 'pusher', '--timeout', '2', '--json'], { cwd: cloud });
    expect(result.code).toBe(0);
    const { checks } = parse(result);
    expect(byId(checks, 'connectivity.http-api').status).toBe('warn');
    expect(byId(checks, 'connectivity.http-api').detail).toMatch(/^https:\/\/api-invalid\.cluster\.test\.pusher\.com is unreachable from here: /);
    expect(byId(checks, 'connectivity.websocket').status).toBe('warn');
    expect(result.stdout).not.toContain('7ad3773142a6692b25b8');
  });
});

describe('chatctl doctor: the seed’s placeholder .env and the options', () => {
  const SEED_ENV = [
    'APP_NAME=Laravel',
    'BROADCAST_DRIVER=pusher',
    'PUSHER_APP_ID=your_app_id_here',
    'PUSHER_APP_KEY=your_app_key_here',
    'PUSHER_APP_SECRET=your_app_secret_here',
    'PUSHER_APP_CLUSTER=eu',
    '',
  ].join('\n');
  let dir: string;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    dir = workdir(`${SEED_ENV}PORT=${port}\n`);
  });

  it('(f) exits 1 with the dashboard hint; connectivity is skipped, not attempted', async () => {
    const result = await runCli(['doctor'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      [
        '[FAIL] App id, key and secret',
        '       • BROADCAST_DRIVER=pusher but not filled in: PUSHER_APP_ID=your_app_id_here, PUSHER_APP_KEY=your_app_key_here, PUSHER_APP_SECRET (a placeholder)',
        '       → copy them from the Pusher dashboard → Channels → App Keys',
      ].join('\n'),
    );
    expect(result.stdout).toContain('Pusher connectivity\n[skip] 2 checks skipped: the credentials are not filled in (see Pusher credentials)\n');
    expect(result.stdout.endsWith('\nDoctor found 1 problem (0 warnings).\n')).toBe(true);
    expect(result.stdout).not.toContain('your_app_secret_here');
  });

  it('(g) --json prints exactly one JSON document with the documented keys', async () => {
    const result = await runCli(['doctor', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = parse(result);
    expect(Object.keys(report)).toEqual(['ok', 'checks']);
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(CHECKS.length); // every registered check reports, skipped or not
    for (const check of report.checks) {
      expect(Object.keys(check)).toEqual(check.fix === undefined ? ['id', 'category', 'status', 'title', 'detail'] : ['id', 'category', 'status', 'title', 'detail', 'fix']);
    }
    expect([...new Set(report.checks.map((c) => c.category))]).toEqual(['config', 'database', 'credentials', 'connectivity', 'clients', 'laravel', 'embedded', 'server']);
    expect(byId(report.checks, 'credentials.present')).toMatchObject({ status: 'fail', fix: 'copy them from the Pusher dashboard → Channels → App Keys' });
  });

  it('(h) --only config runs the configuration checks alone', async () => {
    const json = await runCli(['doctor', '--only', 'config', '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(parse(json).checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'config.env-file:ok',
      'config.values:ok',
      'config.broadcast-driver:ok',
      'config.db-connection:ok',
      'config.laravel-cache:skip',
      'config.queue:skip',
    ]);
    const human = await runCli(['doctor', '--only', 'config'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('\nConfiguration\n');
    expect(human.stdout).not.toContain('Pusher credentials');
    expect(human.stdout.endsWith('\nNo issues found.\n')).toBe(true);
  });

  it('--env-file: a missing file is a failed check, not a crash', async () => {
    const result = await runCli(['doctor', '--only', 'config', '--env-file', 'missing.env', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(byId(parse(result).checks, 'config.env-file')).toMatchObject({ status: 'fail', detail: `The env file ${join(dir, 'missing.env')} does not exist.` });
  });

  it('bad options are one sentence on stderr', async () => {
    expect(await runCli(['doctor', '--only', 'config,bogus'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'chatctl: --only "bogus" is not a check category; use one or more of: config, database, credentials, connectivity, clients, laravel, embedded, server (pusher means credentials,connectivity; frontend means clients).\n',
    });
    expect(await runCli(['doctor', '--timeout', 'soon'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'chatctl: --timeout "soon" is not a number of seconds between 0 and 600.\n',
    });
    const help = await runCli(['doctor', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--only <categories>');
  });

  it('--server pointing at nothing fails the health check', async () => {
    const result = await runCli(['doctor', '--only', 'server', '--server', `http://127.0.0.1:${port}`, '--timeout', '2', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const { checks } = parse(result);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['server.health', 'fail'],
      ['server.realtime', 'skip'],
      ['server.websocket', 'skip'],
      ['server.auth-endpoint', 'skip'],
      ['server.laravel-auth', 'skip'],
    ]);
    expect(checks[0]!.detail).toBe(`http://127.0.0.1:${port} is unreachable: connection refused (nothing listens there)`);
  });
});
