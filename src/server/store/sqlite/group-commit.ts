// Group commit: writes submitted while the event loop is busy (typically while the previous
// commit's fsync blocked it) are applied together in the next transaction, so synchronous=FULL
// costs one fsync per batch instead of one per message.
//
// Each write runs in its own savepoint: one that throws rolls back alone and fails only its own
// promise. Promises settle only after the batch's COMMIT returned, so nobody is told "stored"
// before it is durable; if the COMMIT itself fails, every write of the batch fails.
import type { SqliteDatabase } from './open.js';

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Upper bound per transaction, so one huge burst does not hold the write lock for long. */
  maxBatch?: number;
  /** Called after each committed batch with its size (for tests and the bench). */
  onCommit?: (size: number) => void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly writeOne: (input: I) => O;
  private readonly writeBatch: { immediate(batch: Pending<I, O>[]): Outcome<O>[] };

  constructor(
    db: SqliteDatabase,
    write: (input: I) => O,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    // better-sqlite3 turns a transaction function called inside another into a savepoint.
    this.writeOne = db.transaction(write);
    this.writeBatch = db.transaction((batch: Pending<I, O>[]): Outcome<O>[] =>
      batch.map((item): Outcome<O> => {
        try {
          return { ok: true, value: this.writeOne(item.input) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current I/O phase: every request already readable joins this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (before closing the database, say). */
  drain(): void {
    while (this.queue.length > 0) this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    let outcomes: Outcome<O>[];
    try {
      outcomes = this.writeBatch.immediate(batch);
    } catch (error) {
      // BEGIN (busy) or COMMIT (I/O, disk full) failed: nothing of this batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    this.options.onCommit?.(batch.length);
    batch.forEach((item, i) => {
      const outcome = outcomes[i] as Outcome<O>;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
