// Pusher connectivity (BROADCAST_DRIVER=pusher): a real signed HTTP API call and a real WebSocket
// handshake against the configured host. A configured host that refuses, times out or fails TLS
// is a failure (every broadcast would fail); only Pusher's cloud, unreachable because this machine
// is offline, stays a warning that says so. On 401/4001 the two values are tried swapped.
import { signRequest } from '../server/pusher/signatures.js';
import { driverSetting } from './config.js';
import { hostForUrl, type DoctorContext } from './context.js';
import { checkHostSchemePort, DASHBOARD_HINT, pusherState, type PusherState } from './credentials.js';
import { describePusherCode, dnsResolves, httpRequest, pusherHandshake, type HandshakeOutcome, type NetworkFailure } from './net.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

export interface PusherTarget {
  /** e.g. https://api-eu.pusher.com or http://127.0.0.1:6001 */
  httpOrigin: string;
  /** e.g. wss://ws-eu.pusher.com:443 */
  wsOrigin: string;
  cloud: boolean;
}

/** Where the pusher SDK (HTTP) and clients (WebSocket) go, as chatctl and Laravel configure them. */
export function pusherTarget(ctx: DoctorContext): PusherTarget {
  const pusher = ctx.config!.pusher;
  const scheme = pusher.scheme ?? 'https'; // Laravel's default
  if (pusher.host) {
    const port = pusher.port ?? (scheme === 'https' ? 443 : 80);
    const host = hostForUrl(pusher.host);
    return { httpOrigin: `${scheme}://${host}:${port}`, wsOrigin: `${scheme === 'https' ? 'wss' : 'ws'}://${host}:${port}`, cloud: false };
  }
  const cluster = pusher.cluster ?? 'mt1';
  return {
    httpOrigin: `${scheme}://api-${cluster}.pusher.com${pusher.port !== undefined ? `:${pusher.port}` : ''}`,
    wsOrigin: `wss://ws-${cluster}.pusher.com:443`,
    cloud: true,
  };
}

function applicable(ctx: DoctorContext): { state: PusherState; skipped?: CheckResult } {
  const state = pusherState(ctx);
  if (state.notApplicable) return { state, skipped: skip(state.notApplicable) };
  if (state.driver !== 'pusher') return { state, skipped: skip(`${driverSetting(ctx)}: nothing is sent to a Pusher host`) };
  if (!state.usable) return { state, skipped: skip('the credentials are not filled in (see Pusher credentials)') };
  const invalid = ctx.problems.find((p) => p.variable === 'PUSHER_PORT' || p.variable === 'PUSHER_SCHEME');
  if (invalid) return { state, skipped: skip(`${invalid.variable} is invalid (see Configuration)`) };
  if (checkHostSchemePort(ctx).status === 'fail') return { state, skipped: skip('PUSHER_HOST is not usable (see Pusher credentials)') };
  return { state };
}

const unreachableFix = (target: { cloud: boolean }) =>
  target.cloud
    ? 'check the network from this machine (proxy, firewall, offline?); the credentials could not be verified'
    : 'check PUSHER_HOST, PUSHER_PORT and PUSHER_SCHEME, and that the server runs and is reachable from here';

/** One line about a 401 caused by the timestamp: compares this clock with the host's Date header. */
export function describeClockSkew(localMs: number, dateHeader: string | undefined): string {
  const remote = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (Number.isNaN(remote)) return "the host rejected the request's timestamp: check this machine's clock";
  const skew = Math.round((localMs - remote) / 1000);
  if (Math.abs(skew) > 60) {
    return `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the host's (Pusher allows 600 s)`;
  }
  return `the host rejected the request's timestamp although its clock agrees with this one within ${Math.abs(skew)} s: the host's own clock or timestamp window is off`;
}

function serverMessage(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') text = parsed.error;
    else if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    /* plain text */
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

export const httpApiCheck: Check = {
  id: 'connectivity.http-api',
  category: 'connectivity',
  network: true,
  title: 'HTTP API (signed request)',
  async run(ctx) {
    const { state, skipped } = applicable(ctx);
    if (skipped) return skipped;
    const target = pusherTarget(ctx);
    const appId = state.id!;
    const path = `/apps/${encodeURIComponent(appId)}/channels`;
    const signedGet = (key: string, secret: string) => {
      const signed = signRequest({ key, secret }, { method: 'GET', path });
      return httpRequest(`${target.httpOrigin}${path}?${signed.queryString}`, { timeoutMs: ctx.timeoutMs, headers: { accept: 'application/json' } });
    };
    const response = await signedGet(state.key!, state.secret!);
    const where = target.httpOrigin;
    if (response.kind === 'network') return unreachableResult(ctx, response, where, target);
    const said = serverMessage(response.body);
    const credentialsFix = target.cloud ? `${DASHBOARD_HINT} (and check PUSHER_APP_CLUSTER)` : `use the app id, key and secret configured on ${ctx.config!.pusher.host}`;
    switch (true) {
      case response.status === 200: {
        let channels: number | undefined;
        try {
          const parsed = JSON.parse(response.body) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          const list = (parsed as { channels?: unknown }).channels;
          channels = typeof list === 'object' && list !== null ? Object.keys(list).length : 0;
        } catch {
          return warn(`${where} accepted the request but its answer is not a JSON object; Laravel's pusher-php-server needs one`, 'is PUSHER_HOST really a Pusher-compatible server (soketi, Reverb, chatctl)?');
        }
        return ok(`app ${appId} on ${where} accepted a signed GET /apps/${appId}/channels (${channels} occupied, ${response.ms} ms)`);
      }
      case response.status === 401: {
        if (/timestamp/i.test(said)) {
          return fail(`${where} refused the request (401: ${said}): ${describeClockSkew(Date.now(), response.headers.date)}`, 'sync the clock (e.g. timedatectl set-ntp true), then run chatctl doctor again');
        }
        const swapped = await signedGet(state.secret!, state.key!);
        if (swapped.kind === 'response' && swapped.status === 200) return swappedResult(ctx, state, `${where} refused the request (401) but accepts it signed with the two values the other way round`);
        if (/auth_key|invalid key|unknown key|app key/i.test(said)) {
          return fail(`${where} refused the request (401: ${said}): the key ${state.key} does not belong to app ${appId}`, credentialsFix);
        }
        return fail(`${where} refused the signature (401${said ? `: ${said}` : ''}): the secret (or key) does not match app ${appId}`, credentialsFix);
      }
      case response.status === 404:
        return fail(`no app ${appId} on that host: ${where} answered 404${said ? ` (${said})` : ''}`, target.cloud ? 'check PUSHER_APP_ID and PUSHER_APP_CLUSTER in the Pusher dashboard → Channels → App Keys' : `check PUSHER_APP_ID against the apps configured on ${ctx.config!.pusher.host}`);
      case response.status === 403:
        return fail(`${where} refused app ${appId} (403${said ? `: ${said}` : ''}): the app is disabled or over its quota`, 'check the app in the Pusher dashboard (or the server’s app settings)');
      case response.status >= 500:
        return warn(`${where} answered ${response.status}${said ? ` (${said})` : ''}: the host has a problem of its own`, 'try again later; check the host’s status page or logs');
      default:
        return fail(`${where} answered ${response.status}${said ? ` (${said})` : ''} to a signed GET /apps/${appId}/channels`, 'is PUSHER_HOST/PUSHER_PORT a Pusher-compatible server (soketi, Reverb, chatctl)?');
    }
  },
};

export const SWAPPED_FIX = 'swap the values of PUSHER_APP_KEY and PUSHER_APP_SECRET (the key is the public one clients use; the secret signs requests and stays on the server)';

/** Proven swapped: PUSHER_APP_KEY holds the secret, so both values are masked from here on. */
function swappedResult(ctx: DoctorContext, state: PusherState, evidence: string): CheckResult {
  for (const value of [state.key, state.secret]) if (value) ctx.secrets.add(value);
  return fail(`PUSHER_APP_KEY and PUSHER_APP_SECRET are swapped: ${evidence}`, SWAPPED_FIX);
}

/**
 * A configured host that does not answer is a failure. Pusher's cloud not answering is a warning
 * only when this machine is offline (not even pusher.com resolves), and the sentence says so.
 */
export async function unreachableResult(ctx: DoctorContext, failure: NetworkFailure, where: string, target: { cloud: boolean }): Promise<CheckResult> {
  if (failure.tls || !target.cloud) return networkResult(failure, where, unreachableFix(target), 'fail');
  const online = await ctx.memo('net.online', () => dnsResolves('pusher.com', Math.min(ctx.timeoutMs, 3000)));
  if (!online) {
    return warn(
      `${where} is unreachable from here: ${failure.reason}; this machine seems to be offline (pusher.com does not resolve either), so this was not verified`,
      'run chatctl doctor again with network access, or pass --offline to skip the network checks',
    );
  }
  return fail(`${where} is unreachable from here although pusher.com resolves: ${failure.reason}`, 'check PUSHER_APP_CLUSTER (Pusher dashboard → Channels → App Keys), and any proxy or firewall on the way');
}

/**
 * A failure to get an answer. Unreachable (offline, firewall, nothing listening, timeout) is
 * `unreachable` (a warning for Pusher hosts); a host that answers with the wrong TLS is a failure.
 */
export function networkResult(failure: NetworkFailure, where: string, unreachableFix: string, unreachable: 'warn' | 'fail'): CheckResult {
  if (failure.tls === 'protocol') return fail(`${where} answers, but ${failure.reason}`, 'set PUSHER_SCHEME=http, or point PUSHER_PORT at the TLS port');
  if (failure.tls === 'certificate') {
    return fail(`${where} answers, but ${failure.reason}`, "fix the host's certificate chain, or trust a private CA with NODE_EXTRA_CA_CERTS");
  }
  return (unreachable === 'warn' ? warn : fail)(`${where} is unreachable from here: ${failure.reason}`, unreachableFix);
}

/** Interprets a handshake for a key: shared by the connectivity and server checks. */
export function handshakeResult(outcome: HandshakeOutcome, where: string, key: string, fixes: { key: string; unreachable: string; network: 'warn' | 'fail' }): CheckResult {
  switch (outcome.kind) {
    case 'established':
      return ok(
        `${where} answered pusher:connection_established in ${outcome.ms} ms${outcome.activityTimeout !== undefined ? ` (activity_timeout ${outcome.activityTimeout} s)` : ''}`,
      );
    case 'pusher-error':
    case 'closed': {
      const code: number | undefined = outcome.code;
      const said = outcome.kind === 'pusher-error' ? outcome.message : outcome.reason;
      if (code === 4001) return fail(`key ${key} is unknown to that host (wrong key or cluster): ${where} answered 4001${said ? ` "${said}"` : ''}`, fixes.key);
      if (outcome.kind === 'closed' && (code === undefined || code < 4000 || code >= 5000)) {
        return fail(`${where} closed the connection (${code}${said ? ` ${said}` : ''}) before pusher:connection_established`, 'is this a Pusher-compatible server?');
      }
      if (code === 4000) return fail(`${where} answered 4000: ${describePusherCode(4000)}`, 'use wss: set PUSHER_SCHEME=https');
      return fail(`${where} refused the connection: ${code ?? '?'} ${said || describePusherCode(code)}`, 'check the app in the Pusher dashboard (or the server’s app settings)');
    }
    case 'http':
      return fail(`${where} answered HTTP ${outcome.status} instead of a WebSocket upgrade: not a Pusher-compatible endpoint`, 'check the host, port and scheme (a reverse proxy must pass Upgrade/Connection headers)');
    case 'unexpected':
      return fail(`${where} sent ${JSON.stringify(outcome.frame)} instead of pusher:connection_established`, 'is this a Pusher-compatible server?');
    case 'network':
      return networkResult(outcome, where, fixes.unreachable, fixes.network);
  }
}

export const websocketCheck: Check = {
  id: 'connectivity.websocket',
  category: 'connectivity',
  network: true,
  title: 'WebSocket handshake',
  async run(ctx) {
    const { state, skipped } = applicable(ctx);
    if (skipped) return skipped;
    const target = pusherTarget(ctx);
    const key = state.key!;
    const handshake = (appKey: string) => pusherHandshake(`${target.wsOrigin}/app/${encodeURIComponent(appKey)}?protocol=7&client=chatctl-doctor&version=1.0.0&flash=false`, ctx.timeoutMs);
    const outcome = await handshake(key);
    const where = `${target.wsOrigin}/app/${key}`;
    if (outcome.kind === 'network') return unreachableResult(ctx, outcome, where, target);
    if ((outcome.kind === 'pusher-error' || outcome.kind === 'closed') && outcome.code === 4001) {
      const swapped = await handshake(state.secret!);
      if (swapped.kind === 'established') return swappedResult(ctx, state, `${where} answered 4001 (unknown key) but knows PUSHER_APP_SECRET's value as a key`);
    }
    return handshakeResult(outcome, where, key, {
      key: target.cloud ? `${DASHBOARD_HINT}: PUSHER_APP_KEY and PUSHER_APP_CLUSTER must belong to the same app` : `use the key configured on ${ctx.config!.pusher.host}`,
      unreachable: unreachableFix(target),
      network: 'fail',
    });
  },
};

export const connectivityChecks: readonly Check[] = [httpApiCheck, websocketCheck];
