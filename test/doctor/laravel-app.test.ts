// Issue 10, the mistakes that live in a Laravel app's files: each built as a real temporary
// Laravel-like folder, run through the built `chatctl doctor --json` as a child process.
import { chmodSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CHATCTL, runCli, type CliResult } from '../helpers/cli.js';
import { byId, laravelApp, parseReport, pusherEnv, removeLaravelApps } from './laravel-folder.js';

afterAll(removeLaravelApps);

const APP = { id: '4242', key: 'app-key-0123456789ab', secret: 'app-secret-0123456789abcdef' };
/** `chatctl doctor --json --offline` in `dir`: its exit code and output, and the checks of its report. */
async function doctor(dir: string, args: string[] = [], env?: Record<string, string>) {
  const result = await runCli(['doctor', '--json', '--offline', ...args], { cwd: dir, env });
  return { ...result, checks: parseReport(result).checks };
}

const BOOTSTRAP = `import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
window.Pusher = Pusher;

window.Echo = new Echo({
    broadcaster: 'pusher',
    key: import.meta.env.VITE_PUSHER_APP_KEY,
    wsHost: import.meta.env.VITE_PUSHER_HOST,
    wsPort: 6001,
    forceTLS: true,
    enabledTransports: ['ws', 'wss'],
});

window.Echo.private('private-conversation.' + conversationId)
    .listen('message.sent', (e) => console.log(e));
`;

describe('the Laravel app is read (item 4): every finding names file:line', () => {
  it('listen without the leading dot, private- prefix, forceTLS/wsPort against PUSHER_SCHEME/PORT', async () => {
    const dir = laravelApp(pusherEnv(8080, APP), { 'resources/js/bootstrap.js': BOOTSTRAP });
    const { code, checks } = await doctor(dir, ['--only', 'laravel']);
    expect(code).toBe(1);
    expect(byId(checks, 'laravel.echo-events')).toEqual({
      id: 'laravel.echo-events',
      category: 'laravel',
      status: 'fail',
      title: 'Echo event names',
      detail:
        "resources/js/bootstrap.js:15 listen('message.sent') has no leading dot: Echo then waits for App\\Events\\message.sent, but the event is broadcast as message.sent (broadcastAs)",
      fix: "listen with a leading dot for events that use broadcastAs: .listen('.message.sent', …)",
    });
    expect(byId(checks, 'laravel.echo-channels')).toMatchObject({
      status: 'fail',
      detail: "resources/js/bootstrap.js:14 private('private-conversation.'): Echo adds \"private-\" itself, so this subscribes to private-private-conversation., a channel nothing broadcasts on",
    });
    expect(byId(checks, 'laravel.echo-connection')).toMatchObject({
      status: 'fail',
      detail:
        'resources/js/bootstrap.js:9 wsPort: 6001 but the server listens on port 8080 (PUSHER_PORT/PORT); resources/js/bootstrap.js:10 forceTLS: true but PUSHER_SCHEME=http: the browser insists on wss:// and the plain server never answers',
    });
  });

  it("Laravel's own stub (values from the env, a dotted listen) has no findings", async () => {
    const stub = BOOTSTRAP.replace('wsPort: 6001', 'wsPort: import.meta.env.VITE_PUSHER_PORT ?? 80')
      .replace('forceTLS: true', "forceTLS: (import.meta.env.VITE_PUSHER_SCHEME ?? 'https') === 'https'")
      .replace("private('private-conversation.' + conversationId)", "private(`conversation.${conversationId}`)")
      .replace(".listen('message.sent'", ".listen('.message.sent'");
    const dir = laravelApp(pusherEnv(8080, APP), { 'resources/js/echo.js': stub, 'routes/channels.php': "<?php\n\nBroadcast::channel('conversation.{conversationId}', fn ($user, $id) => true);\n", 'composer.json': '{"require":{"laravel/framework":"^11.0"}}' });
    const result = await doctor(dir, ['--only', 'laravel']);
    expect(result.code).toBe(0);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['laravel.echo-events', 'ok'],
      ['laravel.echo-channels', 'ok'],
      ['laravel.echo-connection', 'ok'],
      ['laravel.debugbar', 'ok'],
      ['laravel.channels', 'ok'],
    ]);
    expect(byId(result.checks, 'laravel.channels').detail).toBe('routes/channels.php:3 authorizes conversation.{id}, the channel chatctl broadcasts on');
  });

  it('barryvdh/laravel-debugbar with APP_DEBUG=true; a channel callback for another name', async () => {
    const composer = JSON.stringify({ require: { php: '^8.1', 'laravel/framework': '^10.10' }, 'require-dev': { 'barryvdh/laravel-debugbar': '^3.9' } }, null, 4);
    const channels = "<?php\n\nuse Illuminate\\Support\\Facades\\Broadcast;\n\nBroadcast::channel('App.Models.User.{id}', fn ($user, $id) => (int) $user->id === (int) $id);\nBroadcast::channel('chat.{id}', fn ($user, $id) => true);\n";
    const dir = laravelApp({ ...pusherEnv(8080, APP), APP_DEBUG: 'true' }, { 'composer.json': composer, 'routes/channels.php': channels });
    const { code, checks } = await doctor(dir, ['--only', 'laravel']);
    expect(code).toBe(1);
    expect(byId(checks, 'laravel.debugbar')).toEqual({
      id: 'laravel.debugbar',
      category: 'laravel',
      status: 'warn',
      title: 'Debugbar and /broadcasting/auth',
      detail:
        "composer.json:7 requires barryvdh/laravel-debugbar and APP_DEBUG=true: the debugbar appends HTML to the Laravel app's /broadcasting/auth answers, and pusher-js then rejects them (\"JSON returned from auth endpoint was invalid\")",
      fix: "set DEBUGBAR_ENABLED=false, or exclude the route in config/debugbar.php: 'except' => ['broadcasting/*']",
    });
    expect(byId(checks, 'laravel.channels')).toMatchObject({
      status: 'fail',
      detail:
        "routes/channels.php authorizes 'chat.{id}' (line 6) but not conversation.{id}: chatctl broadcasts on private-conversation.{id}, so the app's /broadcasting/auth refuses Echo's subscription (403)",
    });
    // With the debugbar switched off the same app is fine.
    const off = await doctor(dir, ['--only', 'laravel'], { DEBUGBAR_ENABLED: 'false' });
    expect(byId(off.checks, 'laravel.debugbar')).toMatchObject({ status: 'ok', detail: 'composer.json:7 requires barryvdh/laravel-debugbar, but DEBUGBAR_ENABLED=false' });
  });
});

describe('mobile clients (item 6)', () => {
  it('a Flutter app using pusher_channels_flutter against a self-hosted server fails with file:line', async () => {
    const pubspec = 'name: chat_app\ndependencies:\n  flutter:\n    sdk: flutter\n  pusher_channels_flutter: ^2.2.1\n';
    const dir = laravelApp(pusherEnv(8080, APP), { 'mobile/pubspec.yaml': pubspec });
    const { code, checks } = await doctor(dir, ['--only', 'clients']);
    expect(code).toBe(1);
    expect(byId(checks, 'clients.mobile')).toEqual({
      id: 'clients.mobile',
      category: 'clients',
      status: 'fail',
      title: 'Mobile clients',
      detail: 'mobile/pubspec.yaml:5 uses pusher_channels_flutter, which cannot set a host or port: it can never connect to ws://127.0.0.1:8080 (its maintainers decline to add it)',
      fix: 'use a client that takes a host, e.g. dart_pusher_channels (README: Clients → Flutter), or real Pusher Channels through BROADCAST_DRIVER=pusher without PUSHER_HOST',
    });
  });

  it('the embedded driver says so even without a mobile app in sight; Pusher cloud does not need it', async () => {
    const embedded = await doctor(laravelApp({ BROADCAST_DRIVER: 'embedded', PORT: '8000' }), ['--only', 'clients']);
    expect(byId(embedded.checks, 'clients.mobile')).toEqual({
      id: 'clients.mobile',
      category: 'clients',
      status: 'ok',
      title: 'Mobile clients',
      detail:
        'browsers (Echo, pusher-js) can reach ws://127.0.0.1:8000; note: the official mobile SDKs (pusher_channels_flutter, @pusher/pusher-websocket-react-native) cannot set a host or port, so they only reach Pusher Channels itself',
    });
    const cloud = await doctor(laravelApp({ ...pusherEnv(443, APP), PUSHER_HOST: '', PUSHER_PORT: '', PUSHER_SCHEME: '' }), ['--only', 'clients']);
    expect(byId(cloud.checks, 'clients.mobile')).toMatchObject({ status: 'skip', detail: 'Pusher Channels itself: every official SDK reaches it' });
  });
});

describe("a stock Laravel 10 .env (item 7)", () => {
  it('DB_CONNECTION=mysql is reported as not used by chatctl; the Pusher checks still run; exit 0', async () => {
    const env = { ...pusherEnv(8080, APP), DB_CONNECTION: 'mysql', DB_HOST: '127.0.0.1', DB_PORT: '3306', DB_DATABASE: 'laravel', DB_USERNAME: 'root', DB_PASSWORD: '' };
    const { code, checks } = await doctor(laravelApp(env));
    expect(code).toBe(0);
    expect(byId(checks, 'config.db-connection')).toMatchObject({
      status: 'warn',
      detail: "DB_CONNECTION=mysql is the Laravel app's database, which chatctl does not use; chatctl serve would refuse this .env as it stands (the Pusher checks below still apply)",
    });
    expect(byId(checks, 'database.file')).toMatchObject({ status: 'skip', detail: "DB_CONNECTION=mysql is not chatctl's database (see Configuration)" });
    expect(byId(checks, 'credentials.present')).toMatchObject({ status: 'ok', detail: 'app 4242, key app-key-0123456789ab, secret ********ef (27 chars)' });
    expect(byId(checks, 'credentials.host')).toMatchObject({ status: 'ok', detail: 'http://127.0.0.1:8080' });
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
  });
});

const CACHED_CONFIG = (key: string, secret: string) => `<?php return array (
  'app' => 
  array (
    'name' => 'Laravel',
  ),
  'broadcasting' => 
  array (
    'default' => 'pusher',
    'connections' => 
    array (
      'pusher' => 
      array (
        'driver' => 'pusher',
        'key' => '${key}',
        'secret' => '${secret}',
        'app_id' => '4242',
        'options' => 
        array (
          'cluster' => 'mt1',
          'host' => '127.0.0.1',
          'port' => 8080,
          'scheme' => 'http',
          'encrypted' => true,
          'useTLS' => false,
        ),
      ),
      'log' => 
      array (
        'driver' => 'log',
      ),
    ),
  ),
);
`;

describe('smaller findings (item 8)', () => {
  it('the config cache: older than .env, and which cached broadcasting values differ (never the secret)', async () => {
    const oldSecret = 'old-secret-zyxwvutsrqponmlk';
    const dir = laravelApp(pusherEnv(8080, APP), { 'bootstrap/cache/config.php': CACHED_CONFIG('old-key-00000000000000', oldSecret) });
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    utimesSync(join(dir, 'bootstrap/cache/config.php'), hoursAgo(3), hoursAgo(3));
    const result = await doctor(dir, ['--only', 'config']);
    expect(result.code).toBe(1);
    expect(byId(result.checks, 'config.laravel-cache')).toEqual({
      id: 'config.laravel-cache',
      category: 'config',
      status: 'fail',
      title: 'Laravel config cache',
      detail:
        'bootstrap/cache/config.php exists, cached 3 h before .env was last changed: the Laravel app broadcasts with its cached PUSHER_APP_KEY old-key-00000000000000 (now app-key-0123456789ab), PUSHER_APP_SECRET (a different value), not with .env (chatctl reads .env directly)',
      fix: 'run php artisan config:clear after editing .env (and do not run config:cache in development)',
    });
    expect(result.stdout).not.toContain(oldSecret);

    const same = laravelApp(pusherEnv(8080, APP), { 'bootstrap/cache/config.php': CACHED_CONFIG(APP.key, APP.secret) });
    utimesSync(join(same, '.env'), hoursAgo(1), hoursAgo(1));
    const fresh = await doctor(same, ['--only', 'config']);
    expect(fresh.code).toBe(0);
    expect(byId(fresh.checks, 'config.laravel-cache')).toMatchObject({
      status: 'warn',
      detail: 'bootstrap/cache/config.php exists, newer than .env: the Laravel app here ignores .env edits until the cache is rebuilt; its broadcasting values match .env',
    });
  });

  it("an empty PUSHER_APP_CLUSTER: Laravel 10's config builds api-.pusher.com (pointing at config/broadcasting.php)", async () => {
    const broadcasting = "<?php\n\nreturn [\n    'connections' => [\n        'pusher' => [\n            'options' => [\n                'cluster' => env('PUSHER_APP_CLUSTER'),\n                'host' => env('PUSHER_HOST') ?: 'api-'.env('PUSHER_APP_CLUSTER', 'mt1').'.pusher.com',\n            ],\n        ],\n    ],\n];\n";
    const env = { ...pusherEnv(443, { id: '1234567', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' }), PUSHER_HOST: '', PUSHER_PORT: '443', PUSHER_SCHEME: 'https', PUSHER_APP_CLUSTER: '' };
    const { code, checks } = await doctor(laravelApp(env, { 'config/broadcasting.php': broadcasting }), ['--only', 'credentials']);
    expect(code).toBe(1);
    expect(byId(checks, 'credentials.cluster')).toEqual({
      id: 'credentials.cluster',
      category: 'credentials',
      status: 'fail',
      title: 'Cluster',
      detail:
        "PUSHER_APP_CLUSTER is empty: Laravel 10's config/broadcasting.php then builds the host api-.pusher.com, which does not exist (config/broadcasting.php:8); chatctl falls back to mt1",
      fix: 'copy the cluster from the Pusher dashboard → Channels → App Keys (e.g. eu, us2, ap1)',
    });
  });

  it('a low open-file limit: the fix works for a non-root user whose hard limit is low, and for root', async () => {
    const dir = laravelApp({ BROADCAST_DRIVER: 'embedded', PORT: '8000' });
    chmodSync(dir, 0o755);
    const run = (asNobody: boolean) =>
      new Promise<CliResult>((resolve) => {
        const command = `ulimit -n 1024 && exec ${asNobody ? 'setpriv --reuid=65534 --regid=65534 --clear-groups ' : ''}${CHATCTL} doctor --json --offline --only embedded`;
        const child = spawn('sh', ['-c', command], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: '/tmp' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    // The unprivileged half needs a checkout that uid 65534 can reach (a clone inside a 0700
    // folder is not); root's half runs everywhere.
    if (nobodyCanRun()) {
      const nobody = byId(parseReport(await run(true)).checks, 'embedded.fd-limit');
      expectNobodyFix(nobody);
    } else {
      console.warn(`skipped the non-root half: uid 65534 cannot read ${CHATCTL}`);
    }
    const root = byId(parseReport(await run(false)).checks, 'embedded.fd-limit');
    expect(root.fix).toBe('raise it to at least 4096: ulimit -n 65536 before chatctl serve, or LimitNOFILE=65536 in its systemd unit (minfds for Supervisor)');
  });
});

function nobodyCanRun(): boolean {
  const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', 'test -x "$1" && test -r "$2"', 'sh', CHATCTL, join(dirname(CHATCTL), '..', 'dist', 'cli', 'index.js')]);
  return probe.status === 0;
}

function expectNobodyFix(nobody: { status: string; detail: string; fix?: string }): void {
  expect(nobody).toMatchObject({ status: 'warn', detail: '1024 open files allowed (hard limit 1024): the embedded server can hold fewer than 1024 WebSocket connections' });
  expect(nobody.fix).toBe(
    'the hard limit is 1024 and only root can raise it (ulimit -n 65536 would fail): ask for "<user> hard nofile 65536" in /etc/security/limits.conf and log in again, or run chatctl serve under systemd with LimitNOFILE=65536 in its systemd unit (minfds for Supervisor)',
  );
}
