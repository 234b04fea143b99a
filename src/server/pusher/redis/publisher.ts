// Publishing on the bus with a bounded queue: while Redis is away frames wait (the oldest are
// dropped past `max`, and counted), and they go out in order, once, when it is back.
import type { createClient } from 'redis';

export class BusPublisher {
  private readonly queue: string[] = [];
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly client: ReturnType<typeof createClient>,
    private readonly channel: string,
    private readonly max: number,
    private readonly ready: () => boolean,
    private readonly onError: (error: Error) => void,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  send(message: string): void {
    if (!this.ready() || this.queue.length > 0) {
      this.enqueue(message);
      if (this.ready()) void this.flush().catch(this.onError);
      return;
    }
    this.client.publish(this.channel, message).catch((error: Error) => {
      this.enqueue(message);
      this.onError(error);
    });
  }

  /** Sends what waits, in order; one flush at a time, so nothing goes out twice. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        while (this.queue.length > 0 && this.ready()) {
          await this.client.publish(this.channel, this.queue[0] as string);
          this.queue.shift();
        }
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private enqueue(message: string): void {
    this.queue.push(message);
    if (this.queue.length > this.max) {
      this.queue.shift();
      this.dropped++;
    }
  }
}
