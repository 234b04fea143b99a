// The `trigger` debug event: one HTTP call to the external Pusher host and what it answered.
import type { DebugEventBody } from './events.js';
import { clipPayload } from './events.js';

export interface Trigger {
  channels: string[];
  event: string;
  exceptSocketId?: string;
  payload: unknown;
}

/** The SDK's RequestError carries `status` and `body` when the host answered, `error` when it did not. */
interface RequestFailure {
  status?: unknown;
  body?: unknown;
  error?: { message?: unknown };
  message?: unknown;
}

/** No secret and no signed query string (it carries auth_signature) ever reaches the console. */
function scrub(text: string, secret: string): string {
  const masked = secret ? text.split(secret).join('********') : text;
  return masked.replace(/\?\S*/g, '').slice(0, 500);
}

export function triggerEvent(host: string, trigger: Trigger, ms: number, outcome: { status?: number; error?: unknown }, secret: string): DebugEventBody {
  const data = JSON.stringify(trigger.payload) ?? '';
  const failure = (outcome.error ?? undefined) as RequestFailure | undefined;
  const status = outcome.status ?? (typeof failure?.status === 'number' ? failure.status : null);
  let error: string | undefined;
  if (failure) {
    const said = typeof failure.body === 'string' && failure.body !== '' ? failure.body : undefined;
    const cause = typeof failure.error?.message === 'string' ? failure.error.message : typeof failure.message === 'string' ? failure.message : 'request failed';
    error = scrub(said ?? cause, secret);
  }
  return {
    kind: 'trigger',
    host,
    channels: trigger.channels,
    event: trigger.event,
    bytes: Buffer.byteLength(data),
    ...(trigger.exceptSocketId ? { excluded_socket_id: trigger.exceptSocketId } : {}),
    ok: failure === undefined,
    status,
    ms: Math.round(ms * 10) / 10,
    ...(error !== undefined ? { error } : {}),
    payload: clipPayload(data),
  };
}
