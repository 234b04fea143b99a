import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

/** BROADCAST_DRIVER=null: events are dropped (counted, so /health still shows activity). */
export class NullBroadcaster implements Broadcaster {
  readonly driver = 'null' as const;
  private readonly counters = new BroadcastCounters('null');

  publish(_event: BroadcastEvent): void {
    this.counters.published++;
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {}
}
