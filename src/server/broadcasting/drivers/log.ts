import type { DebugSink } from '../../observability/bus.js';
import { publishEvent } from '../../observability/publish-event.js';
import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

export type LineWriter = (line: string) => void;

/** BROADCAST_DRIVER=log: each event becomes one log line, like Laravel's LogBroadcaster. */
export class LogBroadcaster implements Broadcaster {
  readonly driver = 'log' as const;
  private readonly counters = new BroadcastCounters('log');

  constructor(
    private readonly write: LineWriter,
    private readonly debug?: DebugSink,
  ) {}

  publish(event: BroadcastEvent): void {
    this.counters.published++;
    const data = JSON.stringify(event.payload);
    this.write(`Broadcasting [${event.event}] on channels [${event.channels.join(', ')}] with payload: ${data}`);
    if (this.debug?.active) this.debug.emit(publishEvent(this.driver, event, data, null));
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {}
}
