// A running chatctl (--server URL, else whatever answers on HOST:PORT): /health, the realtime
// settings it hands to clients (driver and key against this configuration), a WebSocket handshake
// where it tells clients to connect, and its channel-auth endpoint.
import { effectiveDriver } from './config.js';
import { hostForUrl, plural, type DoctorContext } from './context.js';
import { handshakeResult } from './connectivity.js';
import { envCredentials, readStoredCredentials } from './embedded.js';
import { httpRequest, pusherHandshake, type HttpOutcome } from './net.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

export interface Probe {
  url?: string;
  explicit: boolean;
  /** Why the server checks do not run. */
  skipped?: string;
  health?: HttpOutcome;
}

interface HealthData {
  status: string;
  version?: string;
  database?: string;
  broadcasting?: { driver?: string; published?: number; failures?: number; last_error?: string | null };
  realtime?: { connections?: number; channels?: number } | null;
}

interface RealtimeData {
  driver: string;
  enabled: boolean;
  key: string | null;
  ws_host: string | null;
  ws_port: number | null;
  force_tls: boolean;
  auth_endpoint?: unknown;
}

/** Short probe when nobody asked for a server: doctor must not wait on a port nothing uses. */
const PROBE_MS = 1500;

export function probe(ctx: DoctorContext): Promise<Probe> {
  return ctx.memo('server.probe', async () => {
    const explicit = ctx.serverUrl !== undefined;
    let url = ctx.serverUrl?.replace(/\/+$/, '');
    if (!url) {
      if (!ctx.config) return { explicit, skipped: 'the configuration could not be loaded, so HOST:PORT is unknown' };
      if (ctx.config.port === 0) return { explicit, skipped: 'PORT=0 picks a port at start; pass --server URL to check a running server' };
      url = `http://${hostForUrl(ctx.config.host)}:${ctx.config.port}`;
    }
    const health = await httpRequest(`${url}/health`, { timeoutMs: explicit ? ctx.timeoutMs : Math.min(ctx.timeoutMs, PROBE_MS), headers: { accept: 'application/json' } });
    if (!explicit && health.kind === 'network') {
      return { url, explicit, skipped: `no server answers on ${url} (start chatctl serve, or pass --server URL)` };
    }
    return { url, explicit, health };
  });
}

export function parseData<T>(outcome: HttpOutcome | undefined): T | undefined {
  if (!outcome || outcome.kind !== 'response') return undefined;
  try {
    const parsed = JSON.parse(outcome.body) as { status?: unknown; data?: unknown };
    return parsed.status === true && typeof parsed.data === 'object' && parsed.data !== null ? (parsed.data as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The running chatctl's /health data, or why the later checks cannot run. */
async function chatctlServer(ctx: DoctorContext): Promise<{ url: string; health: HealthData } | { skipped: string }> {
  const found = await probe(ctx);
  if (found.skipped || !found.url) return { skipped: found.skipped ?? 'no server' };
  const health = parseData<HealthData>(found.health);
  if (!health || typeof health.status !== 'string') return { skipped: `no chatctl server answers on ${found.url}` };
  return { url: found.url, health };
}

function realtime(ctx: DoctorContext, url: string): Promise<HttpOutcome> {
  return ctx.memo('server.realtime', () => httpRequest(`${url}/api/chat/realtime`, { timeoutMs: ctx.timeoutMs, headers: { accept: 'application/json' } }));
}

/** What to do about the last failed broadcast, by its cause: size, credentials, or the host. */
export function broadcastFailureFix(lastError: string): string {
  if (/\b413\b|too large|larger than/i.test(lastError)) {
    return 'the event was too big for the Pusher host (Pusher Channels: 10 KB per event, including the message and its metadata): send shorter messages, or raise the host’s limit (soketi: SOKETI_DEFAULT_APP_MAX_EVENT_PAYLOAD_IN_KB, Reverb: max_message_size); the credentials are fine';
  }
  if (/\b(401|403|404)\b/.test(lastError)) return 'run chatctl doctor --only credentials,connectivity where the server runs: the host refused the credentials';
  return 'run chatctl doctor --only credentials,connectivity where the server runs; chatctl serve --verbose logs each failure';
}

export const healthCheck: Check = {
  id: 'server.health',
  category: 'server',
  network: true,
  title: 'Health',
  async run(ctx) {
    const found = await probe(ctx);
    if (found.skipped) return skip(found.skipped);
    const url = found.url!;
    const health = found.health!;
    if (health.kind === 'network') return fail(`${url} is unreachable: ${health.reason}`, 'check --server, and that chatctl serve runs there');
    const data = parseData<HealthData>(health);
    if (!data || typeof data.status !== 'string') {
      if (found.explicit) return skip(`${url} is not a chatctl server (GET /health → ${health.status}): checked as the Laravel app (see Laravel channel auth)`);
      return warn(
        `something other than chatctl answers on ${url} (GET /health → ${health.status}): chatctl serve cannot listen there`,
        'stop it, or give chatctl another PORT (or HOST)',
      );
    }
    const version = data.version ? `chatctl ${data.version}` : 'chatctl';
    const b = data.broadcasting ?? {};
    if (data.status !== 'ok') return fail(`${version} on ${url}: database ${data.database ?? 'unavailable'}`, "check the server's stderr and the database file (chatctl doctor --only database)");
    const failures = b.failures ?? 0;
    if (failures > 0) {
      return warn(`${version} on ${url}: ${failures} of ${(b.published ?? 0) + failures} broadcasts failed${b.last_error ? `; last: ${b.last_error}` : ''}`, broadcastFailureFix(b.last_error ?? ''));
    }
    const live = data.realtime ? `, ${plural(data.realtime.connections ?? 0, 'live connection')}` : '';
    return ok(`${version} on ${url}: database ok, broadcasting ${b.driver ?? '?'} (${b.published ?? 0} published)${live}`);
  },
};

async function realtimeData(ctx: DoctorContext): Promise<{ url: string; data: RealtimeData } | { result: CheckResult }> {
  const server = await chatctlServer(ctx);
  if ('skipped' in server) return { result: skip(server.skipped) };
  const outcome = await realtime(ctx, server.url);
  if (outcome.kind === 'network') return { result: fail(`GET ${server.url}/api/chat/realtime failed: ${outcome.reason}`, 'check the server') };
  const data = parseData<RealtimeData>(outcome);
  if (!data || typeof data.driver !== 'string') {
    return { result: fail(`GET ${server.url}/api/chat/realtime answered ${outcome.status} without realtime settings`, 'upgrade the server to this chatctl version') };
  }
  return { url: server.url, data };
}

/** The key clients should get, by this configuration (never generates credentials). */
function expectedKey(ctx: DoctorContext, driver: string): string | undefined {
  if (driver === 'pusher') return ctx.config?.pusher.key;
  if (driver === 'embedded') {
    const fromEnv = envCredentials(ctx);
    if (fromEnv) return fromEnv.key;
    const stored = readStoredCredentials(ctx);
    return stored && !('invalid' in stored) ? stored.key : undefined;
  }
  return undefined;
}

export const realtimeCheck: Check = {
  id: 'server.realtime',
  category: 'server',
  network: true,
  title: 'Realtime settings',
  async run(ctx) {
    const found = await realtimeData(ctx);
    if ('result' in found) return found.result;
    const { data } = found;
    const local = effectiveDriver(ctx);
    if (local && data.driver !== local) {
      return warn(
        `the server broadcasts with ${data.driver} but the configuration here says ${local}`,
        'run chatctl serve from this folder (same .env and data folder), or run chatctl doctor where the server runs',
      );
    }
    if (!data.enabled || !data.key) return ok(`driver ${data.driver}: the server offers clients no realtime connection`);
    const expected = local ? expectedKey(ctx, local) : undefined;
    if (expected && data.key !== expected) {
      return fail(
        `the server advertises key ${data.key} but the configuration here has ${expected}: clients connect with the wrong key`,
        'restart chatctl serve after changing PUSHER_APP_KEY (or pusher-app.json), with the same .env and data folder as here',
      );
    }
    const where = `${data.force_tls ? 'wss' : 'ws'}://${data.ws_host}:${data.ws_port}`;
    return ok(`driver ${data.driver}, key ${data.key}${expected ? ' (matches this configuration)' : ''}; clients connect to ${where}`);
  },
};

export const serverWebsocketCheck: Check = {
  id: 'server.websocket',
  category: 'server',
  network: true,
  title: 'Realtime WebSocket',
  async run(ctx) {
    const found = await realtimeData(ctx);
    if ('result' in found) return found.result.status === 'skip' ? found.result : skip('the realtime settings are not available');
    const { data } = found;
    if (!data.enabled || !data.key || !data.ws_host || !data.ws_port) return skip(`driver ${data.driver}: no realtime connection to test`);
    const origin = `${data.force_tls ? 'wss' : 'ws'}://${hostForUrl(data.ws_host)}:${data.ws_port}`;
    const url = `${origin}/app/${encodeURIComponent(data.key)}?protocol=7&client=chatctl-doctor&version=1.0.0&flash=false`;
    const outcome = await pusherHandshake(url, ctx.timeoutMs);
    return handshakeResult(outcome, `${origin}/app/${data.key}`, data.key, {
      key: 'the server advertises a key its Pusher host does not know: fix PUSHER_APP_KEY (and PUSHER_APP_CLUSTER) and restart chatctl serve',
      unreachable: 'clients are told to connect there: check APP_URL, PUSHER_HOST/PORT and the firewall',
      network: 'warn',
    });
  },
};

const PROBE_FORM = 'socket_id=1234.1234&channel_name=private-conversation.1';

export const authEndpointCheck: Check = {
  id: 'server.auth-endpoint',
  category: 'server',
  network: true,
  title: 'Channel auth endpoint',
  async run(ctx) {
    const found = await realtimeData(ctx);
    if ('result' in found) return found.result.status === 'skip' ? found.result : skip('the realtime settings are not available');
    const endpoint = found.data.auth_endpoint;
    const appUrlFix = 'set APP_URL to the public base URL clients use, e.g. https://chat.example.com';
    if (typeof endpoint !== 'string' || endpoint === '') return fail('the server advertises no auth_endpoint', 'upgrade the server to this chatctl version');
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return fail(`the advertised auth endpoint "${endpoint}" is not an absolute http(s) URL: pusher-js in Node and the mobile SDKs cannot resolve it`, appUrlFix);
    }
    const response = await httpRequest(url.href, {
      method: 'POST',
      timeoutMs: ctx.timeoutMs,
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: PROBE_FORM,
    });
    if (response.kind === 'network') return warn(`${endpoint} is unreachable from here: ${response.reason}`, `clients authorize private channels there; ${appUrlFix}`);
    const isJson = /json/i.test(response.headers['content-type'] ?? '');
    if (response.status === 401 || response.status === 403) {
      if (!isJson) return fail(`${endpoint} answered ${response.status} with ${response.headers['content-type'] ?? 'no content type'} instead of JSON`, 'make sure nothing (a debug toolbar, a proxy error page) rewrites its answers');
      return ok(`${endpoint} is absolute and refuses a request without a token (${response.status}), as it should`);
    }
    if (response.status === 200) return fail(`${endpoint} authorized a private channel for a request without a token`, 'protect the endpoint with bearer-token authentication');
    if (response.status === 404) return fail(`${endpoint} answered 404: clients cannot authorize private channels`, `${appUrlFix} (including any path prefix)`);
    if (response.status === 419) return fail(`${endpoint} answered 419 (CSRF): it sits behind the web middleware, which mobile clients cannot pass`, "register Broadcast::routes(['middleware' => ['auth:sanctum']]) under the api middleware");
    return warn(`${endpoint} answered ${response.status} to a request without a token (expected 401)`, 'check the server log for that request');
  },
};

export const serverChecks: readonly Check[] = [healthCheck, realtimeCheck, serverWebsocketCheck, authEndpointCheck];
