// Pusher credentials: present and filled in, plausible for Pusher Channels, not swapped, not
// leaked to the front end, cluster, and host/scheme/port consistency. Never prints the secret.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driverSetting, effectiveDriver } from './config.js';
import { configUnavailable, isPlaceholder, isSet, maskSecret, rawValue, type DoctorContext } from './context.js';
import { looksLikeSecret } from './secrets.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

export const CREDENTIAL_VARIABLES = ['PUSHER_APP_ID', 'PUSHER_APP_KEY', 'PUSHER_APP_SECRET'] as const;
const PUSHER_VARIABLES = [...CREDENTIAL_VARIABLES, 'PUSHER_APP_CLUSTER', 'PUSHER_HOST', 'PUSHER_PORT', 'PUSHER_SCHEME'];
export const DASHBOARD_HINT = 'copy them from the Pusher dashboard → Channels → App Keys';
export const KNOWN_CLUSTERS = ['mt1', 'us2', 'us3', 'eu', 'ap1', 'ap2', 'ap3', 'ap4', 'sa1'];

export interface PusherState {
  /** Why these checks do not apply, or undefined when they do. */
  notApplicable?: string;
  driver?: string;
  id?: string;
  key?: string;
  secret?: string;
  missing: string[];
  placeholders: string[];
  /** All three present and filled in. */
  usable: boolean;
  /** No PUSHER_HOST: Pusher Channels itself. */
  cloud: boolean;
  host?: string;
}

export function pusherState(ctx: DoctorContext): PusherState {
  const base = { missing: [] as string[], placeholders: [] as string[], usable: false, cloud: false };
  const unavailable = configUnavailable(ctx);
  if (unavailable) return { ...base, notApplicable: unavailable };
  const driver = effectiveDriver(ctx);
  if (!driver) return { ...base, notApplicable: 'the broadcasting driver is invalid (see Configuration)' };
  if (driver !== 'pusher' && !PUSHER_VARIABLES.some((name) => isSet(ctx, name))) {
    return { ...base, driver, notApplicable: `${driverSetting(ctx)} and no PUSHER_* variable is set` };
  }
  const [id, key, secret] = CREDENTIAL_VARIABLES.map((name) => rawValue(ctx, name));
  const missing = CREDENTIAL_VARIABLES.filter((name) => rawValue(ctx, name) === undefined);
  const placeholders = CREDENTIAL_VARIABLES.filter((name) => {
    const value = rawValue(ctx, name);
    return value !== undefined && isPlaceholder(value);
  });
  const host = rawValue(ctx, 'PUSHER_HOST') || undefined;
  return {
    driver,
    ...(id !== undefined ? { id } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(secret !== undefined ? { secret } : {}),
    missing,
    placeholders,
    usable: missing.length === 0 && placeholders.length === 0,
    cloud: driver === 'pusher' && host === undefined,
    ...(host ? { host } : {}),
  };
}

function describeUnfilled(ctx: DoctorContext, state: PusherState): string {
  const parts: string[] = [];
  if (state.placeholders.length > 0) {
    const shown = state.placeholders.map((name) => {
      const value = rawValue(ctx, name) ?? '';
      if (value === '') return `${name} (empty)`;
      return name === 'PUSHER_APP_SECRET' ? `${name} (a placeholder)` : `${name}=${value}`;
    });
    parts.push(`not filled in: ${shown.join(', ')}`);
  }
  if (state.missing.length > 0) parts.push(`not set: ${state.missing.join(', ')}`);
  return parts.join('; ');
}

export const presentCheck: Check = {
  id: 'credentials.present',
  category: 'credentials',
  title: 'App id, key and secret',
  async run(ctx) {
    const state = pusherState(ctx);
    if (state.notApplicable) return skip(state.notApplicable);
    const fix = state.host ? `set them to the app id, key and secret configured on ${state.host}` : DASHBOARD_HINT;
    if (!state.usable) {
      const detail = describeUnfilled(ctx, state);
      if (state.driver === 'pusher') return fail(`${driverSetting(ctx)} but ${detail}`, fix);
      if (state.driver === 'embedded') {
        if (state.missing.length === 0 && state.placeholders.every((name) => (rawValue(ctx, name) ?? '') !== '')) {
          return warn(
            `${detail}: the embedded server would use these well-known placeholders as its credentials`,
            'remove the PUSHER_APP_* lines (the embedded server generates its own credentials) or set real values',
          );
        }
        return warn(
          `${detail}: the embedded server needs all three, so it uses its generated credentials instead`,
          'set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET together, or remove them',
        );
      }
      return warn(`${detail} (needed once BROADCAST_DRIVER=pusher)`, fix);
    }
    const use = state.driver === 'embedded' ? ' (the embedded server uses these)' : '';
    return ok(`app ${state.id}, key ${state.key}, secret ${maskSecret(state.secret!)}${use}`);
  },
};

const HEX20 = /^[0-9a-f]{20}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const formatCheck: Check = {
  id: 'credentials.format',
  category: 'credentials',
  title: 'Credential format',
  async run(ctx) {
    const state = pusherState(ctx);
    if (state.notApplicable) return skip(state.notApplicable);
    if (!state.usable) return skip('the credentials are not filled in');
    if (state.driver === 'embedded') return skip('the embedded server accepts any id, key and secret');
    if (!state.cloud) return skip(`PUSHER_HOST=${state.host}: self-hosted servers accept any format`);
    const { id, key, secret } = state as Required<Pick<PusherState, 'id' | 'key' | 'secret'>>;
    if (UUID.test(id)) {
      return warn('PUSHER_APP_ID looks like a Beams instance id, not a Channels app id', 'in the Pusher dashboard choose Channels (not Beams) → your app → App Keys');
    }
    const issues: string[] = [];
    if (!/^\d+$/.test(id)) issues.push(`PUSHER_APP_ID=${id} is not a number (Channels app ids look like 1234567)`);
    if (!HEX20.test(key)) issues.push(`PUSHER_APP_KEY=${key} is not 20 hex characters`);
    if (!HEX20.test(secret)) issues.push(`PUSHER_APP_SECRET (${Array.from(secret).length} chars) is not 20 hex characters`);
    if (issues.length > 0) return warn(`${issues.join('; ')}, unlike Pusher Channels credentials`, `compare with the Pusher dashboard → Channels → App Keys`);
    return ok('numeric app id, 20-hex-character key and secret, as Pusher Channels issues them');
  },
};

/** Key-like: Pusher's 20 hex characters, or a name such as `app-key`. */
function looksLikeKey(value: string): boolean {
  return HEX20.test(value) || (/key/i.test(value) && !/secret/i.test(value));
}

export function looksSwapped(key: string, secret: string): boolean {
  return looksLikeSecret(key) && looksLikeKey(secret) && !looksLikeSecret(secret);
}

export const swappedCheck: Check = {
  id: 'credentials.swapped',
  category: 'credentials',
  title: 'Key and secret not swapped',
  async run(ctx) {
    const state = pusherState(ctx);
    if (state.notApplicable) return skip(state.notApplicable);
    const { key, secret } = state;
    if (!key || !secret || isPlaceholder(key) || isPlaceholder(secret)) return skip('the key or the secret is not filled in');
    const fix = state.cloud || !state.host ? 'the key is public (clients use it), the secret stays on the server: copy both again from the Pusher dashboard → Channels → App Keys' : `use the key and secret configured on ${state.host}`;
    if (key === secret) return warn('PUSHER_APP_KEY and PUSHER_APP_SECRET hold the same value', fix);
    if (looksSwapped(key, secret)) {
      return warn('PUSHER_APP_KEY looks like a secret and PUSHER_APP_SECRET like a key: they seem swapped', `swap the two values; ${fix}`);
    }
    return ok('the key and the secret differ and look like what they are');
  },
};

const FRONT_END_PREFIX = /^(VITE_|MIX_|NEXT_PUBLIC_|NUXT_PUBLIC_|EXPO_PUBLIC_|REACT_APP_)/;

export const exposureCheck: Check = {
  id: 'credentials.exposure',
  category: 'credentials',
  title: 'Secret stays server-side',
  async run(ctx) {
    const state = pusherState(ctx);
    if (state.notApplicable) return skip(state.notApplicable);
    const secret = state.secret;
    if (!secret || isPlaceholder(secret)) return skip('the secret is not filled in');
    const frontEnd = Object.keys(ctx.values).filter((name) => FRONT_END_PREFIX.test(name));
    const leaking = frontEnd.filter((name) => {
      const value = rawValue(ctx, name) ?? '';
      return value === secret || (/SECRET/.test(name) && value !== '' && !isPlaceholder(value));
    });
    if (leaking.length > 0) {
      return fail(
        `${leaking.join(', ')} ${leaking.length === 1 ? 'holds' : 'hold'} the app secret: front-end builds publish it to every visitor`,
        `only the key may be public (e.g. VITE_PUSHER_APP_KEY="\${PUSHER_APP_KEY}"); remove the secret from ${leaking.join(', ')} and rotate it in the Pusher dashboard`,
      );
    }
    if (frontEnd.length === 0) return ok('no front-end variables (VITE_*, MIX_*) in the configuration');
    return ok(`none of the ${frontEnd.length} front-end variables (VITE_*, MIX_*) holds the secret`);
  },
};

export const clusterCheck: Check = {
  id: 'credentials.cluster',
  category: 'credentials',
  title: 'Cluster',
  async run(ctx) {
    const state = pusherState(ctx);
    if (state.notApplicable) return skip(state.notApplicable);
    if (state.driver !== 'pusher') return skip(`${driverSetting(ctx)}: no cluster is used`);
    if (!state.cloud) return skip(`PUSHER_HOST=${state.host} is used instead of a cluster`);
    const cluster = rawValue(ctx, 'PUSHER_APP_CLUSTER');
    const fix = 'copy the cluster from the Pusher dashboard → Channels → App Keys (e.g. eu, us2, ap1)';
    if (cluster === '') {
      // env('PUSHER_APP_CLUSTER', 'mt1') returns '' for an empty value, and Laravel 10's stub
      // config/broadcasting.php builds 'api-'.env('PUSHER_APP_CLUSTER', 'mt1').'.pusher.com'.
      const stub = laravelClusterLine(ctx);
      return fail(
        `PUSHER_APP_CLUSTER is empty: Laravel 10's config/broadcasting.php then builds the host api-.pusher.com, which does not exist${stub ? ` (${stub})` : ''}; chatctl falls back to mt1`,
        fix,
      );
    }
    if (!cluster) return warn('PUSHER_APP_CLUSTER is not set: Laravel and chatctl use mt1 (us-east-1), so an app on another cluster is not found', fix);
    if (!KNOWN_CLUSTERS.includes(cluster)) {
      return warn(`PUSHER_APP_CLUSTER=${cluster} is not a Pusher cluster this doctor knows (${KNOWN_CLUSTERS.join(', ')})`, fix);
    }
    return ok(`${cluster} (api-${cluster}.pusher.com, ws-${cluster}.pusher.com)`);
  },
};

/** `config/broadcasting.php:41` when the app's config builds the API host from the cluster. */
function laravelClusterLine(ctx: DoctorContext): string | undefined {
  const path = join(ctx.cwd, 'config', 'broadcasting.php');
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').slice(0, 256 * 1024).split('\n');
  const index = lines.findIndex((line) => /'api-'\s*\.\s*env\(\s*'PUSHER_APP_CLUSTER'/.test(line));
  return index >= 0 ? `config/broadcasting.php:${index + 1}` : undefined;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|::1|\[::1\]|0\.0\.0\.0|host\.docker\.internal|.*\.(test|local|localhost))$/i;

export function checkHostSchemePort(ctx: DoctorContext): CheckResult {
  const state = pusherState(ctx);
  if (state.notApplicable) return skip(state.notApplicable);
  const host = state.host;
  const schemeRaw = rawValue(ctx, 'PUSHER_SCHEME') || undefined;
  const portRaw = rawValue(ctx, 'PUSHER_PORT') || undefined;
  const named = ['PUSHER_HOST', 'PUSHER_PORT', 'PUSHER_SCHEME'].filter((name) => isSet(ctx, name));
  if (state.driver === 'embedded') {
    if (named.length === 0) return skip('the embedded server listens on HOST:PORT');
    return warn(
      `${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} set but BROADCAST_DRIVER=embedded ignores ${named.length === 1 ? 'it' : 'them'}`,
      'set BROADCAST_DRIVER=pusher to trigger through that server, or remove the lines',
    );
  }
  if (host && (/^[a-z][a-z0-9+.-]*:\/\//i.test(host) || host.includes('/') || /^[^:[\]]+:\d+$/.test(host))) {
    let suggestion = 'a bare host name such as soketi.example.com';
    try {
      const url = new URL(/:\/\//.test(host) ? host : `http://${host}`);
      suggestion = `PUSHER_HOST=${url.hostname}${url.port ? `, PUSHER_PORT=${url.port}` : ''}${/:\/\//.test(host) ? `, PUSHER_SCHEME=${url.protocol.replace(':', '')}` : ''}`;
    } catch {
      /* keep the generic suggestion */
    }
    return fail(`PUSHER_HOST=${host} is not a bare host name: the Pusher SDKs add the scheme, port and path themselves`, `use ${suggestion}`);
  }
  const config = ctx.config!;
  const scheme = config.pusher.scheme;
  const port = config.pusher.port;
  if (schemeRaw && !scheme) return skip('PUSHER_SCHEME is invalid (see Configuration)');
  if (portRaw && port === undefined) return skip('PUSHER_PORT is invalid (see Configuration)');
  if (scheme === 'https' && port === 80) {
    return warn('PUSHER_SCHEME=https with PUSHER_PORT=80: TLS is not served on port 80', 'use PUSHER_PORT=443 with https, or PUSHER_SCHEME=http for port 80');
  }
  if (scheme === 'http' && port === 443) {
    return warn('PUSHER_SCHEME=http with PUSHER_PORT=443: port 443 expects TLS', "set PUSHER_SCHEME=https, or PUSHER_PORT to the server's plain-http port");
  }
  const effectivePort = port ?? ((scheme ?? 'https') === 'https' ? 443 : 80);
  if (host && !scheme) {
    if (LOOPBACK.test(host) && effectivePort !== 443) {
      return warn(
        `PUSHER_SCHEME is not set, so Laravel and chatctl use https on ${host}:${effectivePort}, but a local soketi, Reverb or chatctl speaks plain http`,
        'set PUSHER_SCHEME=http',
      );
    }
    return ok(`${host}:${effectivePort}; PUSHER_SCHEME is not set, so Laravel and chatctl use https (port 443 unless PUSHER_PORT says otherwise)`);
  }
  if (!host) {
    const cluster = config.pusher.cluster ?? 'mt1';
    return ok(`Pusher Channels: ${scheme ?? 'https'}://api-${cluster}.pusher.com${port ? `:${port}` : ''}${scheme === 'http' ? ' (https is recommended)' : ''}`);
  }
  return ok(`${scheme}://${host}:${effectivePort}`);
}

export const hostSchemePortCheck: Check = {
  id: 'credentials.host',
  category: 'credentials',
  title: 'Host, scheme and port',
  async run(ctx) {
    return checkHostSchemePort(ctx);
  },
};

export const credentialChecks: readonly Check[] = [presentCheck, formatCheck, swappedCheck, exposureCheck, clusterCheck, hostSchemePortCheck];
