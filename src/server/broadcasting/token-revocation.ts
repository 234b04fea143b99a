/**
 * Ends the real-time connections of tokens revoked by another process (`chatctl token revoke`
 * writes the database directly, so the server cannot be told). Every `intervalMs` it asks the
 * store which of the tokens that currently hold sockets are no longer live: one indexed query
 * over at most as many ids as there are bound tokens, and none at all while no socket is bound.
 * Logout does not wait for this: the route terminates its token at once.
 */
export interface TokenSessions {
  boundTokenIds(): string[];
  terminateToken(tokenId: string): number;
}

export interface RevocationWatcherOptions {
  sessions: TokenSessions;
  revokedTokenIds(tokenIds: readonly number[]): Promise<number[]>;
  intervalMs: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class RevocationWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: RevocationWatcherOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; overlapping calls share the pass in flight. */
  check(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(): Promise<void> {
    const ids = this.options.sessions.boundTokenIds().map(Number).filter(Number.isSafeInteger);
    if (ids.length === 0) return;
    try {
      for (const id of await this.options.revokedTokenIds(ids)) {
        const closed = this.options.sessions.terminateToken(String(id));
        if (closed > 0) this.options.log?.('info', `realtime: closed ${closed} connection(s) of revoked token ${id}`);
      }
    } catch (error) {
      // A busy or closing database must not kill the timer; the next pass tries again.
      this.options.log?.('warn', `realtime: revoked-token check failed: ${(error as Error).message}`);
    }
  }
}
