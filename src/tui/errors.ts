// Failed requests in the chat's words.
import { ApiError } from '../client/api.js';

/** One sentence for a failed request. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'the server refused the token (401); run chatctl login again';
    return error.message.replace(/\.$/, '');
  }
  return error instanceof Error ? error.message : String(error);
}

/** Network trouble, server errors, time-outs and rate limits are worth retrying; a refusal is not. */
export function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 409 || error.status === 429;
}

/** Runs `task` now, or once more after the current run when called while it runs. */
export function coalesced(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return run;
}
