// `--server` pointed at the Laravel app instead of chatctl: probe its /broadcasting/auth the way
// Echo does (POST socket_id + channel_name, with the --token user's bearer token) and explain the
// answers that break Echo and mobile clients: 401 (guard), 403 (channel callback), 419 (CSRF), and
// a 200 that is not JSON.
import type { DoctorContext } from './context.js';
import { httpRequest } from './net.js';
import { parseData, probe } from './server.js';
import { fail, ok, skip, type Check, type CheckResult } from './types.js';

const FORM = 'socket_id=1234.5678&channel_name=private-conversation.1';
const SANCTUM = "register the routes for tokens: Broadcast::routes(['middleware' => ['auth:sanctum']]) (Laravel 11: ->withBroadcasting(__DIR__.'/../routes/channels.php', ['middleware' => ['auth:sanctum']]))";

/** The Laravel app's answer to an Echo-style channel-auth request, explained. */
export function explainLaravelAuth(endpoint: string, answer: { status: number; contentType: string; body: string }, withToken: boolean): CheckResult {
  const { status, contentType, body } = answer;
  const json = /json/i.test(contentType);
  switch (true) {
    case status === 401:
      return withToken
        ? fail(`${endpoint} answered 401 to the --token user: the route's guard does not accept bearer tokens (the default web guard wants a session cookie; mobile and API clients need auth:sanctum)`, SANCTUM)
        : fail(`${endpoint} answered 401 without a token (as it should); pass --token with a user's token to check that authorized users get through`, SANCTUM);
    case status === 403:
      return fail(
        `${endpoint} answered 403: the user is authenticated, but the channel callback for conversation.{id} in routes/channels.php refused (or is missing)`,
        "Broadcast::channel('conversation.{id}', fn ($user, $id) => …) must return true for participants; test with a conversation the --token user belongs to",
      );
    case status === 419:
      return fail(`${endpoint} answered 419 (CSRF token mismatch): the broadcasting routes sit behind the web middleware, which mobile and API clients cannot pass`, SANCTUM);
    case status === 404:
      return fail(`${endpoint} answered 404: the app registers no broadcasting routes`, 'Laravel 11: php artisan install:broadcasting; Laravel 10: uncomment App\\Providers\\BroadcastServiceProvider in config/app.php');
    case status >= 300 && status < 400:
      return fail(`${endpoint} answered ${status} (a redirect, probably to the login page): the request was not authenticated the way the route expects`, SANCTUM);
    case status === 200 && !json: {
      const html = /<(html|div|script|!doctype)/i.test(body);
      return fail(
        `${endpoint} answered 200 but with ${contentType || 'no content type'}${html ? ' (HTML)' : ''}, not JSON: pusher-js rejects it ("JSON returned from auth endpoint was invalid")`,
        "something rewrites the answer: disable barryvdh/laravel-debugbar for it (DEBUGBAR_ENABLED=false or 'except' => ['broadcasting/*']), and remove dd()/echo from routes/channels.php",
      );
    }
    case status === 200: {
      let auth: unknown;
      try {
        auth = (JSON.parse(body) as { auth?: unknown }).auth;
      } catch {
        auth = undefined;
      }
      if (typeof auth !== 'string') return fail(`${endpoint} answered 200 JSON without an "auth" signature`, 'return Broadcast::auth($request) unchanged');
      return withToken
        ? ok(`${endpoint} signed private-conversation.1 for the --token user (200 JSON with "auth")`)
        : fail(`${endpoint} signed private-conversation.1 for a request without a token`, 'protect the broadcasting routes with auth:sanctum');
    }
    default:
      return fail(`${endpoint} answered ${status} to an Echo-style channel-auth request`, "check the Laravel log (storage/logs/laravel.log) for that request");
  }
}

async function laravelApp(ctx: DoctorContext): Promise<string | { skipped: string }> {
  if (ctx.serverUrl === undefined) return { skipped: 'only with --server pointing at the Laravel app' };
  const found = await probe(ctx);
  if (found.skipped || !found.url || !found.health || found.health.kind === 'network') return { skipped: 'the server is unreachable (see Health)' };
  const health = parseData<{ status?: unknown }>(found.health);
  if (health && typeof health.status === 'string') return { skipped: 'a chatctl server answers there (see Channel auth endpoint)' };
  return found.url;
}

export const laravelAuthCheck: Check = {
  id: 'server.laravel-auth',
  category: 'server',
  title: 'Laravel channel auth',
  network: true,
  async run(ctx) {
    const app = await laravelApp(ctx);
    if (typeof app !== 'string') return skip(app.skipped);
    const endpoint = `${app}/broadcasting/auth`;
    const response = await httpRequest(endpoint, {
      method: 'POST',
      timeoutMs: ctx.timeoutMs,
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        'x-requested-with': 'XMLHttpRequest',
        ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}),
      },
      body: FORM,
    });
    if (response.kind === 'network') return fail(`${endpoint} is unreachable: ${response.reason}`, 'check --server');
    return explainLaravelAuth(endpoint, { status: response.status, contentType: response.headers['content-type'] ?? '', body: response.body }, ctx.token !== undefined);
  },
};

export const serverLaravelChecks: readonly Check[] = [laravelAuthCheck];
