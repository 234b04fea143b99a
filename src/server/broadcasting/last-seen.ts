// users.last_seen_at from the embedded server's signins: written when a user's first real-time
// connection signs in and when the last one closes (not per message), so "last seen" is a
// moment the user was really there.
import type { ChatStore } from '../store/index.js';

const USER_ID = /^[1-9][0-9]{0,15}$/;

export function recordLastSeen(store: Pick<ChatStore, 'markSeen'>, log: (level: 'warn', message: string) => void) {
  return (userId: string): void => {
    if (!USER_ID.test(userId)) return;
    store.markSeen(Number(userId), new Date().toISOString()).catch((error: unknown) => {
      log('warn', `could not record last_seen_at for user ${userId}: ${(error as Error).message}`);
    });
  };
}
