// The Laravel app in this folder, read the way a reviewer would: the Echo set-up in resources/js,
// composer.json, routes/channels.php. Each finding points at file:line. Nothing is executed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawValue, type DoctorContext } from './context.js';
import { browserTarget } from './frontend.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

export const ECHO_FILES = [
  'resources/js/bootstrap.js',
  'resources/js/bootstrap.ts',
  'resources/js/echo.js',
  'resources/js/echo.ts',
  'resources/js/app.js',
  'resources/js/app.ts',
];

interface SourceFile {
  /** Relative to the app folder, as printed. */
  path: string;
  text: string;
}

export interface Finding {
  file: string;
  line: number;
  message: string;
}

const MAX_FILE = 512 * 1024;

function readSource(ctx: DoctorContext, path: string): SourceFile | undefined {
  const full = join(ctx.cwd, path);
  if (!existsSync(full)) return undefined;
  try {
    return { path, text: readFileSync(full, 'utf8').slice(0, MAX_FILE) };
  } catch {
    return undefined;
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function* matches(file: SourceFile, pattern: RegExp): Generator<{ match: RegExpExecArray; line: number }> {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let match = global.exec(file.text); match; match = global.exec(file.text)) yield { match, line: lineOf(file.text, match.index) };
}

const at = (f: Finding) => `${f.file}:${f.line} ${f.message}`;

/** One check's findings as a result: the first few in the detail, all counted. */
function report(findings: Finding[], status: 'fail' | 'warn', fix: string, none: string): CheckResult {
  if (findings.length === 0) return ok(none);
  const sorted = [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const shown = sorted.slice(0, 3).map(at).join('; ');
  const more = findings.length > 3 ? ` (and ${findings.length - 3} more)` : '';
  return (status === 'fail' ? fail : warn)(`${shown}${more}`, fix);
}

function echoFiles(ctx: DoctorContext): SourceFile[] {
  return ECHO_FILES.map((path) => readSource(ctx, path)).filter((f): f is SourceFile => f !== undefined);
}

const NO_ECHO = 'no resources/js/bootstrap.js, echo.js or app.js here';
/** A broadcastAs-style name: lower-case words with dots (message.sent), not a class name. */
const DOTTED_EVENT = /^[a-z][\w-]*(\.[\w-]+)+$/;

export function echoEventFindings(files: SourceFile[]): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    for (const { match, line } of matches(file, /\.(listen|stopListening)\(\s*(['"`])([^'"`\n]+)\2/)) {
      const name = match[3]!;
      if (DOTTED_EVENT.test(name)) {
        out.push({
          file: file.path,
          line,
          message: `${match[1]}('${name}') has no leading dot: Echo then waits for App\\Events\\${name}, but the event is broadcast as ${name} (broadcastAs)`,
        });
      }
    }
  }
  return out;
}

export function echoChannelFindings(files: SourceFile[]): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    // Echo's private()/join() take the name without its prefix (pusher-js's subscribe() takes it with).
    for (const { match, line } of matches(file, /\.(private|encryptedPrivate|join)\(\s*(['"`])((private-encrypted|private|presence)-[^'"`\n]*)\2/)) {
      const method = match[1]!;
      const name = match[3]!;
      const prefix = match[4]!;
      out.push({
        file: file.path,
        line,
        message: `${method}('${name}'): Echo adds "${prefix}-" itself, so this subscribes to ${prefix}-${name}, a channel nothing broadcasts on`,
      });
    }
  }
  return out;
}

/** forceTLS / wsPort / wssPort / wsHost literals that contradict the configured scheme, port and host. */
export function echoConnectionFindings(ctx: DoctorContext, files: SourceFile[]): Finding[] {
  const target = browserTarget(ctx);
  if (!target) return [];
  const out: Finding[] = [];
  const scheme = rawValue(ctx, 'PUSHER_SCHEME') ? `PUSHER_SCHEME=${target.scheme}` : `the scheme ${target.scheme}`;
  for (const file of files) {
    for (const { match, line } of matches(file, /\b(forceTLS|useTLS|encrypted)\s*:\s*(true|false)\b/)) {
      const tls = match[2] === 'true';
      if (tls && target.scheme === 'http') out.push({ file: file.path, line, message: `${match[1]}: true but ${scheme}: the browser insists on wss:// and the plain server never answers` });
      if (!tls && target.scheme === 'https' && match[1] === 'forceTLS') {
        out.push({ file: file.path, line, message: `forceTLS: false but ${scheme}: from an http page the browser tries ws:// on a TLS port` });
      }
    }
    for (const { match, line } of matches(file, /\b(wsPort|wssPort)\s*:\s*(\d{1,5})\b/)) {
      const port = Number(match[2]);
      const relevant = (match[1] === 'wsPort') === (target.scheme === 'http');
      if (relevant && port !== target.port) out.push({ file: file.path, line, message: `${match[1]}: ${port} but the server listens on port ${target.port} (PUSHER_PORT/PORT)` });
    }
    for (const { match, line } of matches(file, /\bwsHost\s*:\s*(['"])([^'"\n]+)\1/)) {
      const host = match[2]!;
      if (host.toLowerCase() !== target.host.toLowerCase() && !(/^(localhost|127\.0\.0\.1)$/.test(host) && /^(localhost|127\.0\.0\.1)$/.test(target.host))) {
        out.push({ file: file.path, line, message: `wsHost: '${host}' but the server is ${target.host}` });
      }
    }
  }
  return out;
}

/** A check over the Echo set-up files, skipped when there are none. */
function echoCheck(id: string, title: string, run: (ctx: DoctorContext, files: SourceFile[]) => CheckResult): Check {
  return {
    id,
    category: 'laravel',
    title,
    async run(ctx) {
      const files = echoFiles(ctx);
      if (files.length === 0) return skip(NO_ECHO);
      return run(ctx, files);
    },
  };
}

export const echoEventsCheck = echoCheck('laravel.echo-events', 'Echo event names', (_ctx, files) =>
  report(echoEventFindings(files), 'fail', "listen with a leading dot for events that use broadcastAs: .listen('.message.sent', …)", `${files.map((f) => f.path).join(', ')}: event names are fine`),
);

export const echoChannelsCheck = echoCheck('laravel.echo-channels', 'Echo channel names', (_ctx, files) =>
  report(echoChannelFindings(files), 'fail', "drop the prefix: Echo.private('conversation.' + id) subscribes to private-conversation.{id}", 'channel names carry no private-/presence- prefix of their own'),
);

export const echoConnectionCheck = echoCheck('laravel.echo-connection', 'Echo connection options', (ctx, files) => {
  if (!browserTarget(ctx)) return skip('the server side is not configured (see above)');
  return report(
    echoConnectionFindings(ctx, files),
    'fail',
    "read them from the env like Laravel's stub: forceTLS: (import.meta.env.VITE_PUSHER_SCHEME ?? 'https') === 'https', wsPort: import.meta.env.VITE_PUSHER_PORT",
    'forceTLS, wsHost and the ports agree with the configuration (or come from it)',
  );
});

/** composer.json line of a package, when it is required (require or require-dev). */
export function composerRequires(file: SourceFile, name: string): Finding | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.text);
  } catch {
    return undefined;
  }
  const sections = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const required = ['require', 'require-dev'].some((section) => {
    const list = sections[section];
    return typeof list === 'object' && list !== null && Object.hasOwn(list, name);
  });
  if (!required) return undefined;
  const index = file.text.indexOf(`"${name}"`);
  return { file: file.path, line: lineOf(file.text, Math.max(0, index)), message: `requires ${name}` };
}

const TRUE = /^(true|\(true\)|1|on|yes)$/i;
const FALSE = /^(false|\(false\)|0|off|no)$/i;

export const debugbarCheck: Check = {
  id: 'laravel.debugbar',
  category: 'laravel',
  title: 'Debugbar and /broadcasting/auth',
  async run(ctx) {
    const composer = readSource(ctx, 'composer.json');
    if (!composer) return skip('no composer.json here');
    const found = composerRequires(composer, 'barryvdh/laravel-debugbar');
    if (!found) return ok('barryvdh/laravel-debugbar is not installed');
    const debug = rawValue(ctx, 'APP_DEBUG') ?? '';
    const enabled = rawValue(ctx, 'DEBUGBAR_ENABLED');
    if (enabled !== undefined && FALSE.test(enabled)) return ok(`${found.file}:${found.line} ${found.message}, but DEBUGBAR_ENABLED=${enabled}`);
    if (!TRUE.test(debug) && !(enabled !== undefined && TRUE.test(enabled))) return ok(`${found.file}:${found.line} ${found.message}; it is off with APP_DEBUG=${debug || '(unset)'}`);
    return warn(
      `${found.file}:${found.line} ${found.message} and APP_DEBUG=true: the debugbar appends HTML to the Laravel app's /broadcasting/auth answers, and pusher-js then rejects them ("JSON returned from auth endpoint was invalid")`,
      "set DEBUGBAR_ENABLED=false, or exclude the route in config/debugbar.php: 'except' => ['broadcasting/*']",
    );
  },
};

/** `Broadcast::channel('name', …)` definitions in routes/channels.php. */
export function channelDefinitions(file: SourceFile): { name: string; line: number }[] {
  return [...matches(file, /Broadcast::channel\(\s*(['"])([^'"\n]+)\1/)].map(({ match, line }) => ({ name: match[2]!, line }));
}

export const channelRoutesCheck: Check = {
  id: 'laravel.channels',
  category: 'laravel',
  title: 'routes/channels.php',
  async run(ctx) {
    const file = readSource(ctx, 'routes/channels.php');
    if (!file) return skip('no routes/channels.php here');
    const defined = channelDefinitions(file);
    const fix = "authorize chatctl's channel: Broadcast::channel('conversation.{id}', fn ($user, $id) => /* is $user a participant of conversation $id? */)";
    const prefixed = defined.filter((d) => /^(private|presence)-/.test(d.name));
    if (prefixed.length > 0) {
      const d = prefixed[0]!;
      return fail(`${file.path}:${d.line} defines '${d.name}': Laravel strips private-/presence- before matching, so this callback never runs`, `name it without the prefix, e.g. '${d.name.replace(/^(private|presence)-/, '')}'`);
    }
    const conversation = defined.find((d) => /^conversation\.\{[A-Za-z_]\w*\}$/.test(d.name));
    if (conversation) return ok(`${file.path}:${conversation.line} authorizes conversation.{id}, the channel chatctl broadcasts on`);
    const similar = defined.filter((d) => /\{/.test(d.name) && !/^App\.Models\.User\./.test(d.name));
    if (similar.length > 0) {
      const list = similar.slice(0, 3).map((d) => `'${d.name}' (line ${d.line})`).join(', ');
      return fail(
        `${file.path} authorizes ${list} but not conversation.{id}: chatctl broadcasts on private-conversation.{id}, so the app's /broadcasting/auth refuses Echo's subscription (403)`,
        fix,
      );
    }
    return warn(`${file.path} has no callback for conversation.{id}: if the Laravel app answers /broadcasting/auth, it refuses private-conversation.{id} (403)`, fix);
  },
};

export const laravelAppChecks: readonly Check[] = [echoEventsCheck, echoChannelsCheck, echoConnectionCheck, debugbarCheck, channelRoutesCheck];
