import { BroadcastCounters, type Broadcaster, type BroadcastEvent } from '../broadcaster.js';

export type LineWriter = (line: string) => void;

/** BROADCAST_DRIVER=log: each event becomes one log line, like Laravel's LogBroadcaster. */
export class LogBroadcaster implements Broadcaster {
  readonly driver = 'log' as const;
  private readonly counters = new BroadcastCounters('log');

  constructor(private readonly write: LineWriter) {}

  publish(event: BroadcastEvent): void {
    this.counters.published++;
    this.write(
      `Broadcasting [${event.event}] on channels [${event.channels.join(', ')}] with payload: ${JSON.stringify(event.payload)}`,
    );
  }

  health() {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {}
}
