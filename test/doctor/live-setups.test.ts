// Issue 10, the mistakes only a live check finds: against a real chatctl relay (the embedded
// Pusher server, BROADCAST_DRIVER=pusher pointing at it), a closed port, a stand-in Laravel app on
// port 0, and a real chatctl whose broadcasts fail with 413. Every run is the built binary.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_HINT } from '../../src/doctor/console-hint.js';
import { SWAPPED_FIX } from '../../src/doctor/connectivity.js';
import { dnsResolves } from '../../src/doctor/net.js';
import { OFFLINE_SKIP } from '../../src/doctor/runner.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { api, registerUser, startConversation, startTestServer, type TestServer } from '../helpers/server.js';
import { byId, laravelApp, parseReport, pusherEnv, removeLaravelApps } from './laravel-folder.js';

const APP = { id: '4242', key: 'relay-key-0123456789', secret: 'relay-secret-abcdefghijklmnop' };
let relay: TestServer;
beforeAll(async () => {
  relay = await startTestServer({ PUSHER_APP_ID: APP.id, PUSHER_APP_KEY: APP.key, PUSHER_APP_SECRET: APP.secret });
});
afterAll(async () => {
  await relay.stop();
  removeLaravelApps();
});

const doctor = (dir: string, args: string[], env?: Record<string, string>) => runCli(['doctor', '--json', '--timeout', '2', ...args], { cwd: dir, ...(env ? { env } : {}), timeoutMs: 30_000 });

describe('front-end values (item 1)', () => {
  it('VITE_PUSHER_* as Laravel writes them ("${PUSHER_…}" references) match and connect live', async () => {
    const env = {
      ...pusherEnv(relay.port, APP),
      VITE_PUSHER_APP_KEY: '"${PUSHER_APP_KEY}"',
      VITE_PUSHER_HOST: '"${PUSHER_HOST}"',
      VITE_PUSHER_PORT: '"${PUSHER_PORT}"',
      VITE_PUSHER_SCHEME: '"${PUSHER_SCHEME}"',
      VITE_PUSHER_APP_CLUSTER: '"${PUSHER_APP_CLUSTER}"',
    };
    const result = await doctor(laravelApp(env), ['--only', 'clients']);
    expect(result.code).toBe(0);
    const { checks } = parseReport(result);
    expect(byId(checks, 'clients.frontend-values')).toMatchObject({ status: 'ok', detail: `VITE_PUSHER_* match what chatctl uses: key ${APP.key}, ws://127.0.0.1:${relay.port}` });
    expect(byId(checks, 'clients.frontend-websocket').status).toBe('ok');
    expect(byId(checks, 'clients.frontend-websocket').detail).toMatch(
      new RegExp(`^VITE_PUSHER_\\*: ws://127\\.0\\.0\\.1:${relay.port}/app/${APP.key} answered pusher:connection_established in \\d+ ms \\(activity_timeout 30 s\\)$`),
    );
  });

  it('VITE_, MIX_ and VITE_REVERB_ values that differ from the server: a failure naming each, and the browser handshake fails', async () => {
    const env = {
      ...pusherEnv(relay.port, APP),
      VITE_PUSHER_APP_KEY: 'old-browser-key',
      VITE_PUSHER_HOST: 'localhost',
      VITE_PUSHER_PORT: String(relay.port),
      VITE_PUSHER_SCHEME: 'http',
      MIX_PUSHER_APP_KEY: APP.key,
      MIX_PUSHER_APP_CLUSTER: 'mt1',
      VITE_REVERB_APP_KEY: APP.key,
      VITE_REVERB_HOST: '127.0.0.1',
      VITE_REVERB_PORT: '8080',
      VITE_REVERB_SCHEME: 'http',
    };
    const result = await doctor(laravelApp(env), ['--only', 'clients']);
    expect(result.code).toBe(1);
    const { checks } = parseReport(result);
    expect(byId(checks, 'clients.frontend-values')).toMatchObject({
      status: 'fail',
      detail:
        `VITE_PUSHER_APP_KEY=old-browser-key but chatctl uses key ${APP.key} (PUSHER_APP_KEY); ` +
        `the browser connects to host ws-mt1.pusher.com (MIX_PUSHER_HOST unset: Pusher cloud) but chatctl's is 127.0.0.1; ` +
        `the browser uses https (MIX_PUSHER_SCHEME) but chatctl's is http; the browser uses port 443 (MIX_PUSHER_PORT) but chatctl's is ${relay.port}; ` +
        `the browser uses port 8080 (VITE_REVERB_PORT) but chatctl's is ${relay.port}: Echo would never receive an event`,
    });
    expect(byId(checks, 'clients.frontend-values').fix).toMatch(/^make the browser's values follow the server's \(e\.g\. VITE_PUSHER_APP_KEY="\$\{PUSHER_APP_KEY\}", /);
    // The browser's own values, tested live: the relay answers 4001 for the old key.
    expect(byId(checks, 'clients.frontend-websocket')).toMatchObject({
      status: 'fail',
      detail: `VITE_PUSHER_*: key old-browser-key is unknown to that host (wrong key or cluster): ws://localhost:${relay.port}/app/old-browser-key answered 4001 "Application does not exist"`,
    });
  });
});

describe('unreachable hosts (item 2)', () => {
  it('a configured PUSHER_HOST that refuses fails (exit 1); --offline skips every network check in one flag', async () => {
    const port = await closedPort();
    const dir = laravelApp(pusherEnv(port, APP));
    const result = await doctor(dir, ['--only', 'connectivity']);
    expect(result.code).toBe(1);
    expect(parseReport(result).checks.map((c) => [c.status, c.detail])).toEqual([
      ['fail', `http://127.0.0.1:${port} is unreachable from here: connection refused (nothing listens there)`],
      ['fail', `ws://127.0.0.1:${port}/app/${APP.key} is unreachable from here: connection refused (nothing listens there)`],
    ]);

    // --offline: not a single connection is attempted (a listener counts them), exit 0.
    let connections = 0;
    const counter = createTcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
    const counted = (counter.address() as AddressInfo).port;
    try {
      const offline = await doctor(laravelApp({ ...pusherEnv(counted, APP), PORT: String(counted), VITE_PUSHER_APP_KEY: APP.key, VITE_PUSHER_HOST: '"${PUSHER_HOST}"', VITE_PUSHER_PORT: '"${PUSHER_PORT}"', VITE_PUSHER_SCHEME: 'http' }), ['--offline', '--server', `http://127.0.0.1:${counted}`]);
      expect(offline.code).toBe(0);
      const { checks } = parseReport(offline);
      for (const id of ['connectivity.http-api', 'connectivity.websocket', 'clients.frontend-websocket', 'server.health', 'server.laravel-auth']) {
        expect(byId(checks, id), id).toMatchObject({ status: 'skip', detail: OFFLINE_SKIP });
      }
      expect(connections).toBe(0);
    } finally {
      await new Promise((r) => counter.close(r));
    }
  });

  it('Pusher cloud unreachable: a warning that says the machine is offline, or a failure when it is online', async () => {
    const env = { ...pusherEnv(443, { id: '1234567', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' }), PUSHER_HOST: '', PUSHER_PORT: '', PUSHER_SCHEME: '', PUSHER_APP_CLUSTER: 'invalid.cluster.test' };
    const online = await dnsResolves('pusher.com', 3000);
    const result = await doctor(laravelApp(env), ['--only', 'connectivity']);
    const http = byId(parseReport(result).checks, 'connectivity.http-api');
    if (online) {
      expect(result.code).toBe(1);
      expect(http.status).toBe('fail');
      expect(http.detail).toMatch(/^https:\/\/api-invalid\.cluster\.test\.pusher\.com is unreachable from here although pusher\.com resolves: /);
    } else {
      expect(result.code).toBe(0);
      expect(http.status).toBe('warn');
      expect(http.detail).toMatch(/^https:\/\/api-invalid\.cluster\.test\.pusher\.com is unreachable from here: .*; this machine seems to be offline \(pusher\.com does not resolve either\), so this was not verified$/);
      expect(http.fix).toBe('run chatctl doctor again with network access, or pass --offline to skip the network checks');
    }
  });
});

describe('swapped key and secret (item 3)', () => {
  it('on 401 and 4001 the values are tried swapped: "are swapped", exit 1, and neither value printed', async () => {
    const dir = laravelApp(pusherEnv(relay.port, { id: APP.id, key: APP.secret, secret: APP.key }));
    const result = await doctor(dir, ['--only', 'connectivity']);
    expect(result.code).toBe(1);
    const { checks } = parseReport(result);
    expect(byId(checks, 'connectivity.http-api')).toMatchObject({
      status: 'fail',
      detail: `PUSHER_APP_KEY and PUSHER_APP_SECRET are swapped: http://127.0.0.1:${relay.port} refused the request (401) but accepts it signed with the two values the other way round`,
      fix: `${SWAPPED_FIX}; ${CONSOLE_HINT}`,
    });
    expect(byId(checks, 'connectivity.websocket')).toMatchObject({ status: 'fail', fix: `${SWAPPED_FIX}; ${CONSOLE_HINT}` });
    expect(byId(checks, 'connectivity.websocket').detail).toMatch(/^PUSHER_APP_KEY and PUSHER_APP_SECRET are swapped: ws:\/\/127\.0\.0\.1:\d+\/app\/\*{8}op \(29 chars\) answered 4001 \(unknown key\) but knows PUSHER_APP_SECRET's value as a key$/);
    expect(result.stdout).not.toContain(APP.secret);
  });
});

/** A stand-in for a Laravel app on port 0: /health is Laravel's 404 page, /broadcasting/auth answers as `mode` says. */
function laravelStandIn(): { server: Server; mode: { current: string }; seen: IncomingMessage[] } {
  const mode = { current: '401' };
  const seen: IncomingMessage[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url !== '/broadcasting/auth') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Not Found</title>');
      return;
    }
    seen.push(req);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (mode.current) {
      case '401':
        return json(401, { message: 'Unauthenticated.' });
      case '403':
        return json(403, { message: 'This action is unauthorized.' });
      case '419':
        return json(419, { message: 'CSRF token mismatch.' });
      case 'html':
        return res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end('{"auth":"k:sig"}<div class="phpdebugbar"></div><script>…</script>');
      default:
        return json(200, { auth: `${APP.key}:${'a'.repeat(64)}` });
    }
  });
  return { server, mode, seen };
}

describe('--server against the Laravel app (item 5)', () => {
  const standIn = laravelStandIn();
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((r) => standIn.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => standIn.server.close(r)));

  const TOKEN = '7|sanctum-token-abcdefghijklmnop';
  const cases: [string, boolean, string, string][] = [
    ['401', true, 'fail', "answered 401 to the --token user: the route's guard does not accept bearer tokens (the default web guard wants a session cookie; mobile and API clients need auth:sanctum)"],
    ['403', true, 'fail', 'answered 403: the user is authenticated, but the channel callback for conversation.{id} in routes/channels.php refused (or is missing)'],
    ['419', true, 'fail', 'answered 419 (CSRF token mismatch): the broadcasting routes sit behind the web middleware, which mobile and API clients cannot pass'],
    ['html', true, 'fail', 'answered 200 but with text/html; charset=UTF-8 (HTML), not JSON: pusher-js rejects it ("JSON returned from auth endpoint was invalid")'],
    ['200', true, 'ok', 'signed private-conversation.1 for the --token user (200 JSON with "auth")'],
    ['401', false, 'fail', "answered 401 without a token (as it should); pass --token with a user's token to check that authorized users get through"],
  ];
  for (const [mode, withToken, status, detail] of cases) {
    it(`${mode}${withToken ? ' with --token' : ' without a token'}: ${status}`, async () => {
      standIn.mode.current = mode;
      const dir = laravelApp(pusherEnv(relay.port, APP));
      const result = await doctor(dir, ['--only', 'server', '--server', url, ...(withToken ? ['--token', TOKEN] : [])]);
      expect(result.code).toBe(status === 'ok' ? 0 : 1);
      const { checks } = parseReport(result);
      expect(byId(checks, 'server.health')).toMatchObject({ status: 'skip', detail: `${url} is not a chatctl server (GET /health → 404): checked as the Laravel app (see Laravel channel auth)` });
      expect(byId(checks, 'server.laravel-auth')).toMatchObject({ status, detail: `${url}/broadcasting/auth ${detail}` });
      const request = standIn.seen.at(-1)!;
      expect(request.method).toBe('POST');
      expect(request.headers.authorization).toBe(withToken ? `Bearer ${TOKEN}` : undefined);
      expect(result.stdout).not.toContain('sanctum-token-abcdefghijklmnop');
    });
  }
});

describe('413 from the Pusher host (item 8)', () => {
  it("points at the message size, not at the credentials", async () => {
    const sender = await startTestServer({ BROADCAST_DRIVER: 'pusher', ...Object.fromEntries(Object.entries(pusherEnv(relay.port, APP)).filter(([k]) => k.startsWith('PUSHER_'))) });
    try {
      const [ann, bob] = [await registerUser(sender), await registerUser(sender)];
      const id = await startConversation(sender, ann, bob);
      // 5000 three-byte characters: 15 KB of JSON, over Pusher's 10 KB per event.
      const sent = await api(sender, 'POST', `/api/chat/conversations/${id}/messages`, { token: ann.token, json: { message: '€'.repeat(5000), type: 'text' } });
      expect(sent.status).toBe(201);
      let failures = 0;
      for (let i = 0; i < 50 && failures === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        failures = (await api(sender, 'GET', '/health')).body.data.broadcasting.failures;
      }
      expect(failures).toBeGreaterThan(0);
      const result = await doctor(laravelApp(pusherEnv(relay.port, APP)), ['--only', 'server', '--server', sender.url]);
      const health = byId(parseReport(result).checks, 'server.health');
      expect(health.status).toBe('warn');
      expect(health.detail).toMatch(/broadcasts failed; last: Pusher trigger of .* failed: HTTP 413/);
      expect(health.fix).toMatch(/^the event was too big for the Pusher host \(Pusher Channels: 10 KB per event, including the message and its metadata\): send shorter messages, .*the credentials are fine$/);
    } finally {
      await sender.stop();
    }
  }, 40_000);
});

describe('--strict (item 9)', () => {
  it('warnings alone exit 0, and 1 under --strict with the footer saying why', async () => {
    const dir = laravelApp({ BROADCAST_DRIVER: 'embedded', PORT: '1', QUEUE_CONNECTION: 'redis' });
    const plain = await runCli(['doctor', '--offline', '--only', 'config'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout.endsWith('\nDoctor found 1 problem (1 warning).\n')).toBe(true);
    const strict = await runCli(['doctor', '--offline', '--only', 'config', '--strict'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout.endsWith('\nDoctor found 1 problem (1 warning, which fail under --strict).\n')).toBe(true);
    const json = await runCli(['doctor', '--offline', '--only', 'config', '--strict', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(parseReport(json)).toMatchObject({ ok: false, strict: true });
  });
});
