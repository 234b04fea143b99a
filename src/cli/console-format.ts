// One line per debug event, for `chatctl console` and `serve --debug`: time, kind, what happened.
// Every string comes from the network (channel names, client names, payloads): made terminal-safe.
import type { DebugEvent } from '../server/observability/events.js';
import { oneLine } from '../shared/terminal-text.js';

export interface FormatOptions {
  color: boolean;
  /** Show payloads (cut to one line); false hides message bodies. */
  payload: boolean;
  /** Characters a line may take (payloads are cut to fit); undefined: 200 characters of payload. */
  width?: number;
}

type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'dim' | 'bold';
const CODES: Record<Tone, string> = { green: '32', red: '31', yellow: '33', cyan: '36', magenta: '35', blue: '34', dim: '2', bold: '1' };

const LABEL_WIDTH = 11;

function paint(color: boolean, tone: Tone, text: string): string {
  return color ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

/** Terminal-safe single line, cut to `max` characters with an ellipsis. */
function clean(text: string, max = 200): string {
  const flat = Array.from(oneLine(text));
  return flat.length <= max ? flat.join('') : `${flat.slice(0, Math.max(1, max - 1)).join('')}…`;
}

function time(at: string): string {
  const match = /T(\d{2}:\d{2}:\d{2}(?:\.\d{3})?)/.exec(at);
  return (match?.[1] ?? clean(at, 12)).padEnd(12);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const user = (id: string | undefined) => (id === undefined ? '' : ` user ${clean(id, 40)}`);
const channels = (list: string[]) => list.map((c) => clean(c)).join(', ');

/** [label, tone, text, payload?] for one event; undefined for heartbeats. */
function describe(event: DebugEvent): [string, Tone, string, string?] | undefined {
  switch (event.kind) {
    case 'heartbeat':
      return undefined;
    case 'console.ready':
      return ['console', 'dim', `watching (broadcasting ${clean(event.driver)}, chatctl ${clean(event.version)})`];
    case 'console.dropped':
      return ['console', 'yellow', `dropped another console that stopped reading (${event.buffered_bytes} bytes unread)`];
    case 'connection.opened': {
      const client = [event.client, event.version].filter((v) => v !== undefined).map((v) => clean(v ?? '', 32)).join(' ');
      return ['connect', 'green', `${clean(event.socket_id)}${client ? ` ${client}` : ''} (protocol ${event.protocol})`];
    }
    case 'connection.refused':
      return ['refused', 'red', `connection with key ${clean(event.app_key, 64)}: ${event.code} ${clean(event.meaning)} (${clean(event.detail)})`];
    case 'connection.closed': {
      const abnormal = event.code === 1006 || (event.code >= 4000 && event.code !== 4200);
      const why = event.cause ? `: ${clean(event.cause)}` : event.reason ? ` "${clean(event.reason, 123)}"` : '';
      return ['disconnect', abnormal ? 'yellow' : 'dim', `${clean(event.socket_id)}${user(event.user_id)} ${event.code} ${clean(event.meaning)}${why}`];
    }
    case 'signin':
      return ['signin', 'green', `${clean(event.socket_id)}${user(event.user_id)}`];
    case 'signin.refused':
      return ['refused', 'red', `signin on ${clean(event.socket_id)}: ${clean(event.detail)}`];
    case 'auth.granted':
      return ['auth', 'cyan', `${clean(event.channel)} socket ${clean(event.socket_id)}${user(event.user_id)}`];
    case 'subscription.succeeded':
      return ['subscribe', 'cyan', `${clean(event.channel)} socket ${clean(event.socket_id)}${user(event.user_id)}`];
    case 'subscription.refused': {
      const where = event.via === 'auth-endpoint' ? `${event.status} at /broadcasting/auth` : `${event.status} on subscribe`;
      const socket = event.socket_id ? ` socket ${clean(event.socket_id)}` : '';
      const channel = event.channel === '' ? '(channel not read)' : clean(event.channel);
      return ['refused', 'red', `${channel}${socket}${user(event.user_id)}: ${clean(event.reason)} (${clean(event.detail)}) [${where}]`];
    }
    case 'unsubscribed':
      return ['unsubscribe', 'dim', `${clean(event.channel)} socket ${clean(event.socket_id)}${user(event.user_id)}`];
    case 'member.added':
      return ['member+', 'magenta', `${clean(event.channel)} user ${clean(event.user_id, 40)} (socket ${clean(event.socket_id)})`];
    case 'member.removed':
      return ['member-', 'magenta', `${clean(event.channel)} user ${clean(event.user_id, 40)}`];
    case 'publish': {
      const from = event.origin === 'http-api' ? ' via HTTP API' : '';
      const to =
        event.recipients === null ? `not delivered (BROADCAST_DRIVER=${clean(event.driver)})` : `→ ${plural(event.recipients, 'socket')}`;
      const except = event.excluded_socket_id ? ` (excluded ${clean(event.excluded_socket_id)})` : '';
      return ['publish', event.recipients === 0 ? 'yellow' : 'bold', `${channels(event.channels)} ${clean(event.event)} ${event.bytes} B${from} ${to}${except}`, event.payload];
    }
    case 'trigger': {
      const answer = event.status === null ? 'no answer' : String(event.status);
      const error = event.error ? `: ${clean(event.error, 300)}` : '';
      const except = event.excluded_socket_id ? ` (excluding ${clean(event.excluded_socket_id)})` : '';
      const text = `${channels(event.channels)} ${clean(event.event)} ${event.bytes} B → ${clean(event.host)} ${answer} in ${event.ms} ms${except}${error}`;
      return ['trigger', event.ok ? 'green' : 'red', text, event.payload];
    }
    case 'client-event':
      return [
        'client',
        'blue',
        `${clean(event.channel)} ${clean(event.event)} from ${clean(event.socket_id)}${user(event.user_id)} ${event.bytes} B → ${plural(event.recipients, 'socket')}`,
        event.payload,
      ];
    case 'client-event.refused':
      return ['refused', 'red', `${clean(event.event)} on ${clean(event.channel)} from ${clean(event.socket_id)}${user(event.user_id)}: ${clean(event.reason)} (${clean(event.detail)})`];
    case 'http-api.refused':
      return ['api', 'red', `${clean(event.method, 10)} ${clean(event.path)} refused ${event.status}: ${clean(event.detail)}`];
  }
}

/** The line for an event (no newline), or undefined when there is nothing to show (heartbeats). */
export function formatEvent(event: DebugEvent, options: FormatOptions): string | undefined {
  const described = describe(event);
  if (!described) return undefined;
  const [label, tone, text, payload] = described;
  const head = `${paint(options.color, 'dim', time(event.at))} ${paint(options.color, tone, label.padEnd(LABEL_WIDTH))} ${text}`;
  if (!options.payload || payload === undefined || payload === '') return head;
  const used = 12 + 1 + LABEL_WIDTH + 1 + Array.from(text).length + 2;
  const room = options.width === undefined ? 200 : Math.max(20, options.width - used);
  return `${head}  ${paint(options.color, 'dim', clean(payload, room))}`;
}
