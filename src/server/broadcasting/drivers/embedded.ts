import type { EmbeddedPusherServer } from '../../pusher/index.js';
import type { DebugSink } from '../../observability/bus.js';
import { publishEvent } from '../../observability/publish-event.js';
import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

/** BROADCAST_DRIVER=embedded (default): hands events straight to the in-process Pusher server. */
export class EmbeddedBroadcaster implements Broadcaster {
  readonly driver = 'embedded' as const;
  private readonly counters = new BroadcastCounters('embedded');

  constructor(
    private readonly server: EmbeddedPusherServer,
    private readonly debug?: DebugSink,
  ) {}

  publish(event: BroadcastEvent): void {
    try {
      const data = JSON.stringify(event.payload);
      const recipients = this.server.publish(event.channels, event.event, data, event.exceptSocketId);
      this.counters.published++;
      if (this.debug?.active) this.debug.emit(publishEvent(this.driver, event, data, recipients));
    } catch (error) {
      this.counters.failed((error as Error).message);
    }
  }

  bindSocketToToken(socketId: string, tokenId: number): void {
    this.server.bindSocketToToken(socketId, String(tokenId));
  }

  terminateToken(tokenId: number): number {
    return this.server.terminateToken(String(tokenId));
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {}
}
