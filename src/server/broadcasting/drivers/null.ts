import type { DebugSink } from '../../observability/bus.js';
import { publishEvent } from '../../observability/publish-event.js';
import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

/** BROADCAST_DRIVER=null: events are dropped (counted, so /health still shows activity). */
export class NullBroadcaster implements Broadcaster {
  readonly driver = 'null' as const;
  private readonly counters = new BroadcastCounters('null');

  constructor(private readonly debug?: DebugSink) {}

  publish(event: BroadcastEvent): void {
    this.counters.published++;
    // Nothing is delivered, but the console says so: "did my event leave?" has an answer.
    if (this.debug?.active) this.debug.emit(publishEvent(this.driver, event, JSON.stringify(event.payload), null));
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {}
}
