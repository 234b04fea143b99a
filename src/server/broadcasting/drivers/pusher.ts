import Pusher from 'pusher';
import type { PusherSettings } from '../../../config/env.js';
import type { DebugSink } from '../../observability/bus.js';
import { triggerEvent } from '../../observability/trigger-event.js';
import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

export interface PusherDriverOptions {
  settings: Required<Pick<PusherSettings, 'appId' | 'key' | 'secret'>> & PusherSettings;
  log: (message: string) => void;
  /** Triggers still in flight are abandoned after this long, so a dead host never piles up work. */
  timeoutMs?: number;
  /** The debug console sees each trigger with the host's answer. */
  debug?: DebugSink;
}

/** Masks every occurrence of the secret (and the key's signature material) in an error text. */
export function maskSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join('********') : text;
}

/** BROADCAST_DRIVER=pusher: triggers through the official SDK (Pusher Channels, soketi, Reverb, chatctl). */
export class PusherBroadcaster implements Broadcaster {
  readonly driver = 'pusher' as const;
  private readonly counters = new BroadcastCounters('pusher');
  private readonly client: Pusher;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Where triggers go, for the console (`https://api-eu.pusher.com`, `http://127.0.0.1:6001`). */
  private readonly host: string;

  constructor(private readonly options: PusherDriverOptions) {
    const { settings } = options;
    // Laravel's config/broadcasting.php defaults PUSHER_SCHEME to https (port 443).
    const useTLS = (settings.scheme ?? 'https') === 'https';
    this.client = new Pusher({
      appId: settings.appId,
      key: settings.key,
      secret: settings.secret,
      cluster: settings.cluster ?? 'mt1',
      useTLS,
      timeout: options.timeoutMs ?? 5000,
      ...(settings.host ? { host: settings.host } : {}),
      ...(settings.port !== undefined ? { port: String(settings.port) } : {}),
    });
    const hostname = settings.host ?? `api-${settings.cluster ?? 'mt1'}.pusher.com`;
    this.host = `${useTLS ? 'https' : 'http'}://${hostname}${settings.port !== undefined ? `:${settings.port}` : ''}`;
  }

  publish(event: BroadcastEvent): void {
    // Pusher allows at most 100 channels per trigger; Laravel chunks the same way.
    for (let i = 0; i < event.channels.length; i += 100) {
      const channels = event.channels.slice(i, i + 100);
      const params = event.exceptSocketId ? { socket_id: event.exceptSocketId } : undefined;
      const started = performance.now();
      const report = (outcome: { status?: number; error?: unknown }): void => {
        const debug = this.options.debug;
        if (!debug?.active) return;
        const trigger = { channels, event: event.event, exceptSocketId: event.exceptSocketId, payload: event.payload };
        debug.emit(triggerEvent(this.host, trigger, performance.now() - started, outcome, this.options.settings.secret));
      };
      const pending = this.client
        .trigger(channels, event.event, event.payload, params)
        .then((response) => {
          this.counters.published++;
          report({ status: response.status });
        })
        .catch((error: unknown) => {
          this.recordFailure(event.event, error);
          report({ error });
        })
        .finally(() => this.inFlight.delete(pending));
      this.inFlight.add(pending);
    }
  }

  private recordFailure(eventName: string, error: unknown): void {
    const status = (error as { status?: number }).status;
    const body = (error as { body?: string }).body;
    const detail = status ? `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}` : (error as Error).message;
    const message = maskSecret(`Pusher trigger of ${eventName} failed: ${detail}`, this.options.settings.secret);
    this.counters.failed(message);
    this.options.log(message);
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
