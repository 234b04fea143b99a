// The `publish` debug event for a chat broadcast, shared by every broadcasting driver.
import type { DebugEventBody } from './events.js';
import { clipPayload } from './events.js';

export interface PublishedBroadcast {
  channels: string[];
  event: string;
  exceptSocketId?: string;
}

/** `data` is the JSON sent; `recipients` null when the driver cannot know (log, null). */
export function publishEvent(driver: string, broadcast: PublishedBroadcast, data: string, recipients: number | null): DebugEventBody {
  return {
    kind: 'publish',
    origin: 'app',
    driver,
    channels: broadcast.channels,
    event: broadcast.event,
    bytes: Buffer.byteLength(data),
    recipients,
    ...(broadcast.exceptSocketId ? { excluded_socket_id: broadcast.exceptSocketId } : {}),
    payload: clipPayload(data),
  };
}
