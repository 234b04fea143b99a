// Front-end and mobile clients: the browser's VITE_PUSHER_* / MIX_PUSHER_* / VITE_REVERB_* values
// against what chatctl broadcasts to, the same WebSocket handshake with the browser's values, and
// the mobile SDKs that can never reach a self-hosted Pusher server.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { driverSetting, effectiveDriver } from './config.js';
import { hostForUrl, rawValue, type DoctorContext } from './context.js';
import { handshakeResult, pusherTarget, unreachableResult } from './connectivity.js';
import { envCredentials, readStoredCredentials } from './embedded.js';
import { pusherHandshake } from './net.js';
import { fail, ok, skip, type Check, type CheckResult } from './types.js';

/** Where a Pusher client connects: what Echo/pusher-js end up using. */
export interface ClientTarget {
  key?: string;
  host: string;
  port: number;
  scheme: 'http' | 'https';
  cloud: boolean;
  cluster?: string;
}

interface FrontendGroup {
  prefix: 'VITE_PUSHER_' | 'MIX_PUSHER_' | 'VITE_REVERB_';
  target: ClientTarget;
  /** The variables of this group that are set (for sentences). */
  set: string[];
}

const FIELDS = ['APP_KEY', 'HOST', 'PORT', 'SCHEME', 'APP_CLUSTER'] as const;
const PREFIXES = ['VITE_PUSHER_', 'MIX_PUSHER_', 'VITE_REVERB_'] as const;

/** Where chatctl broadcasts to (pusher) or listens (embedded), as clients must see it; or why not. */
export function serverTarget(ctx: DoctorContext): { target: ClientTarget; keySource: string } | { why: string } {
  if (!ctx.config) return { why: 'the configuration could not be loaded (see Configuration)' };
  const driver = effectiveDriver(ctx);
  if (!driver) return { why: 'the broadcasting driver is invalid (see Configuration)' };
  if (driver === 'pusher') {
    const pusher = ctx.config.pusher;
    const origin = new URL(pusherTarget(ctx).wsOrigin.replace(/^ws/, 'http'));
    return {
      target: {
        ...(pusher.key ? { key: pusher.key } : {}),
        host: origin.hostname.replace(/^\[|\]$/g, ''),
        port: Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)),
        scheme: origin.protocol === 'https:' ? 'https' : 'http',
        cloud: !pusher.host,
        ...(pusher.host ? {} : { cluster: pusher.cluster ?? 'mt1' }),
      },
      keySource: 'PUSHER_APP_KEY',
    };
  }
  if (driver === 'embedded') {
    const fromEnv = envCredentials(ctx);
    const stored = fromEnv ? undefined : readStoredCredentials(ctx);
    const key = fromEnv?.key ?? (stored && !('invalid' in stored) ? stored.key : undefined);
    const base = new URL(ctx.config.appUrl ?? `http://${hostForUrl(ctx.config.host)}:${ctx.config.port}`);
    return {
      target: {
        ...(key ? { key } : {}),
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
        scheme: base.protocol === 'https:' ? 'https' : 'http',
        cloud: false,
      },
      keySource: fromEnv ? 'PUSHER_APP_KEY' : 'pusher-app.json',
    };
  }
  return { why: `${driverSetting(ctx)}: no client receives events` };
}

/** The browser's settings as Laravel's stock bootstrap.js / echo.js build them from one prefix. */
export function frontendGroups(ctx: DoctorContext): FrontendGroup[] {
  const groups: FrontendGroup[] = [];
  for (const prefix of PREFIXES) {
    const value = (field: (typeof FIELDS)[number]) => rawValue(ctx, `${prefix}${field}`) || undefined;
    const set = FIELDS.map((field) => `${prefix}${field}`).filter((name) => ctx.values[name] !== undefined);
    if (set.length === 0) continue;
    const scheme = (value('SCHEME') ?? 'https').toLowerCase() === 'http' ? 'http' : 'https';
    const cluster = value('APP_CLUSTER') ?? 'mt1';
    const host = value('HOST') ?? (prefix === 'VITE_REVERB_' ? 'localhost' : `ws-${cluster}.pusher.com`);
    const port = Number(value('PORT') ?? (scheme === 'https' ? 443 : 80));
    groups.push({
      prefix,
      set,
      target: { ...(value('APP_KEY') ? { key: value('APP_KEY')! } : {}), host, port, scheme, cloud: !value('HOST') && prefix !== 'VITE_REVERB_', cluster },
    });
  }
  return groups;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);
const sameHost = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || (LOOPBACK.has(a.toLowerCase()) && LOOPBACK.has(b.toLowerCase()));

/** The differences between the browser's target and the server's, one phrase each. */
export function compareTargets(group: FrontendGroup, server: ClientTarget, keySource: string): string[] {
  const p = group.prefix;
  const t = group.target;
  const out: string[] = [];
  if (server.key !== undefined && t.key !== server.key) {
    out.push(t.key === undefined ? `${p}APP_KEY is empty but chatctl uses key ${server.key} (${keySource})` : `${p}APP_KEY=${t.key} but chatctl uses key ${server.key} (${keySource})`);
  }
  if (!sameHost(t.host, server.host)) out.push(`the browser connects to host ${t.host} (${p}HOST${t.cloud ? ' unset: Pusher cloud' : ''}) but chatctl's is ${server.host}`);
  if (t.scheme !== server.scheme) out.push(`the browser uses ${t.scheme} (${p}SCHEME) but chatctl's is ${server.scheme}`);
  if (t.port !== server.port) out.push(`the browser uses port ${t.port} (${p}PORT) but chatctl's is ${server.port}`);
  return out;
}

export const frontendValuesCheck: Check = {
  id: 'clients.frontend-values',
  category: 'clients',
  title: 'Front-end (Echo) values',
  async run(ctx) {
    const groups = frontendGroups(ctx);
    if (groups.length === 0) return skip('no VITE_PUSHER_*, MIX_PUSHER_* or VITE_REVERB_* variables');
    const server = serverTarget(ctx);
    if ('why' in server) return skip(server.why);
    const problems = groups.flatMap((group) => compareTargets(group, server.target, server.keySource));
    const names = groups.map((g) => `${g.prefix}*`).join(', ');
    if (problems.length > 0) {
      const prefix = groups[0]!.prefix;
      const ref = server.keySource === 'PUSHER_APP_KEY' ? '"${PUSHER_APP_KEY}"' : 'the key from GET /api/chat/realtime';
      return fail(
        `${problems.join('; ')}: Echo would never receive an event`,
        `make the browser's values follow the server's (e.g. ${prefix}APP_KEY=${ref}, ${prefix}HOST="\${PUSHER_HOST}", ${prefix}PORT="\${PUSHER_PORT}", ${prefix}SCHEME="\${PUSHER_SCHEME}"), then rebuild the front end (npm run build, or restart npm run dev)`,
      );
    }
    const s = server.target;
    return ok(`${names} match what chatctl uses: key ${s.key ?? '(not generated yet)'}, ${s.scheme === 'https' ? 'wss' : 'ws'}://${s.host}:${s.port}`);
  },
};

function wsUrl(target: ClientTarget): string {
  return `${target.scheme === 'https' ? 'wss' : 'ws'}://${hostForUrl(target.host)}:${target.port}`;
}

export const frontendWebsocketCheck: Check = {
  id: 'clients.frontend-websocket',
  category: 'clients',
  title: "Front-end WebSocket (the browser's values)",
  network: true,
  async run(ctx) {
    const groups = frontendGroups(ctx);
    if (groups.length === 0) return skip('no VITE_PUSHER_*, MIX_PUSHER_* or VITE_REVERB_* variables');
    const server = serverTarget(ctx);
    if ('why' in server) return skip(server.why);
    const results: CheckResult[] = [];
    for (const group of groups) {
      const { target } = group;
      if (!target.key) {
        results.push(fail(`${group.prefix}APP_KEY is empty: the browser cannot connect`, `set ${group.prefix}APP_KEY="\${PUSHER_APP_KEY}"`));
        continue;
      }
      const origin = wsUrl(target);
      const where = `${origin}/app/${target.key}`;
      const outcome = await pusherHandshake(`${origin}/app/${encodeURIComponent(target.key)}?protocol=7&client=js&version=8.4.0&flash=false`, ctx.timeoutMs);
      const result =
        outcome.kind === 'network'
          ? await unreachableResult(ctx, outcome, where, target)
          : handshakeResult(outcome, where, target.key, { key: `${group.prefix}APP_KEY must be the key the host knows (PUSHER_APP_KEY)`, unreachable: '', network: 'fail' });
      results.push({ ...result, detail: `${group.prefix}*: ${result.detail}` });
    }
    const worst = results.find((r) => r.status === 'fail') ?? results.find((r) => r.status === 'warn');
    if (worst) return worst;
    return ok(results.map((r) => r.detail).join('; '));
  },
};

const MOBILE_SDKS: { pattern: RegExp; name: string }[] = [
  { pattern: /^\s*pusher_channels_flutter\s*:/m, name: 'pusher_channels_flutter' },
  { pattern: /"@pusher\/pusher-websocket-react-native"\s*:/, name: '@pusher/pusher-websocket-react-native' },
];

/** `pubspec.yaml` / `package.json` here or one folder down that use a mobile SDK without a host option. */
function findMobileSdks(cwd: string): { file: string; line: number; name: string }[] {
  const folders = [cwd];
  try {
    for (const entry of readdirSync(cwd)) {
      if (entry.startsWith('.') || entry === 'node_modules' || entry === 'vendor') continue;
      const path = join(cwd, entry);
      if (statSync(path).isDirectory()) folders.push(path);
    }
  } catch {
    /* unreadable folder: nothing found */
  }
  const found: { file: string; line: number; name: string }[] = [];
  for (const folder of folders.slice(0, 64)) {
    for (const manifest of ['pubspec.yaml', 'package.json']) {
      const path = join(folder, manifest);
      if (!existsSync(path)) continue;
      let text: string;
      try {
        text = readFileSync(path, 'utf8').slice(0, 256 * 1024);
      } catch {
        continue;
      }
      for (const sdk of MOBILE_SDKS) {
        const match = sdk.pattern.exec(text);
        if (match) found.push({ file: relative(cwd, path), line: text.slice(0, match.index + match[0].search(/\S/)).split('\n').length, name: sdk.name });
      }
    }
  }
  return found;
}

export const MOBILE_NOTE =
  'the official mobile SDKs (pusher_channels_flutter, @pusher/pusher-websocket-react-native) cannot set a host or port, so they only reach Pusher Channels itself';
const MOBILE_FIX =
  'use a client that takes a host, e.g. dart_pusher_channels (README: Clients → Flutter), or real Pusher Channels through BROADCAST_DRIVER=pusher without PUSHER_HOST';

export const mobileCheck: Check = {
  id: 'clients.mobile',
  category: 'clients',
  title: 'Mobile clients',
  async run(ctx) {
    const driver = effectiveDriver(ctx);
    if (!ctx.config || !driver) return skip('the configuration could not be loaded (see Configuration)');
    const selfHosted = driver === 'embedded' || (driver === 'pusher' && Boolean(ctx.config.pusher.host));
    if (!selfHosted) return skip(driver === 'pusher' ? 'Pusher Channels itself: every official SDK reaches it' : `${driverSetting(ctx)}: no client receives events`);
    const server = serverTarget(ctx);
    const where = 'target' in server ? wsUrl(server.target) : 'this server';
    const found = findMobileSdks(ctx.cwd);
    if (found.length > 0) {
      const list = found.map((f) => `${f.file}:${f.line} uses ${f.name}`).join('; ');
      return fail(`${list}, which cannot set a host or port: it can never connect to ${where} (its maintainers decline to add it)`, MOBILE_FIX);
    }
    return ok(`browsers (Echo, pusher-js) can reach ${where}; note: ${MOBILE_NOTE}`);
  },
};

export const frontendChecks: readonly Check[] = [frontendValuesCheck, frontendWebsocketCheck, mobileCheck];

/** Used by the Laravel-app checks: where the browser must connect (the server's side wins). */
export function browserTarget(ctx: DoctorContext): ClientTarget | undefined {
  const server = serverTarget(ctx);
  return 'target' in server ? server.target : frontendGroups(ctx)[0]?.target;
}
