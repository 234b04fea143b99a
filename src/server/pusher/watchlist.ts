/**
 * Watchlists, as Pusher Channels has them: a signed-in user's `user_data` may carry a `watchlist`
 * of user ids, and the connection is told when any of them comes online (its first signed-in
 * connection) or goes offline (its last one closed), with
 * `{"event":"pusher_internal:watchlist_events","data":"{\"events\":[{\"name\":\"online\",\"user_ids\":[\"7\"]}]}"}`
 * (pusher-js: `pusher.user.watchlist.bind('online' | 'offline', …)`). Right after signin the
 * connection gets one `online` event with the watched users already online.
 * The hub tells this module who signed in and out; it knows nothing else of the hub.
 */
import { WATCHLIST_EVENT, WATCHLIST_MAX } from '../../shared/wire.js';

export interface WatchlistConnection {
  readonly id: string;
  send(frame: string): boolean;
}

export type WatchlistParse = { ok: true; ids: string[] } | { ok: false; message: string };

/** The watchlist of a signed user_data object: absent is empty; more than 100 ids is refused (4302). */
export function parseWatchlist(userData: Record<string, unknown>): WatchlistParse {
  const raw = userData.watchlist;
  if (raw === undefined) return { ok: true, ids: [] };
  if (!Array.isArray(raw) || !raw.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 128)) {
    return { ok: false, message: 'Invalid user_data: "watchlist" must be an array of user id strings' };
  }
  if (raw.length > WATCHLIST_MAX) return { ok: false, message: `Watchlist limit exceeded: at most ${WATCHLIST_MAX} user ids` };
  return { ok: true, ids: [...new Set(raw as string[])] };
}

export function watchlistFrame(name: 'online' | 'offline', userIds: readonly string[]): string {
  return JSON.stringify({ event: WATCHLIST_EVENT, data: JSON.stringify({ events: [{ name, user_ids: userIds }] }) });
}

export class Watchlists {
  /** user id → connections watching it */
  private readonly watchers = new Map<string, Map<string, WatchlistConnection>>();
  /** connection id → the ids it watches */
  private readonly lists = new Map<string, string[]>();

  constructor(
    /** Whether a user has a signed-in connection now. */
    private readonly isOnline: (userId: string) => boolean,
    /** Called when a user comes online or goes offline (chatctl records last_seen_at). */
    private readonly onPresence: (userId: string, online: boolean) => void = () => undefined,
  ) {}

  /** A connection signed in as `userId` (`firstConnection`: the user was offline before it). */
  signedIn(conn: WatchlistConnection, userId: string, watchlist: readonly string[], firstConnection: boolean): void {
    this.forget(conn.id);
    if (watchlist.length > 0) {
      this.lists.set(conn.id, [...watchlist]);
      for (const watched of watchlist) {
        const set = this.watchers.get(watched) ?? new Map<string, WatchlistConnection>();
        set.set(conn.id, conn);
        this.watchers.set(watched, set);
      }
      const online = watchlist.filter((id) => id !== userId && this.isOnline(id));
      if (online.length > 0) conn.send(watchlistFrame('online', online));
    }
    if (firstConnection) this.announce(userId, 'online');
  }

  /** A signed-in connection closed (`lastConnection`: the user has no other one). */
  signedOut(connectionId: string, userId: string, lastConnection: boolean): void {
    this.forget(connectionId);
    if (lastConnection) this.announce(userId, 'offline');
  }

  private announce(userId: string, name: 'online' | 'offline'): void {
    this.onPresence(userId, name === 'online');
    const watching = this.watchers.get(userId);
    if (!watching) return;
    const frame = watchlistFrame(name, [userId]);
    for (const conn of watching.values()) conn.send(frame);
  }

  private forget(connectionId: string): void {
    for (const watched of this.lists.get(connectionId) ?? []) {
      const set = this.watchers.get(watched);
      set?.delete(connectionId);
      if (set?.size === 0) this.watchers.delete(watched);
    }
    this.lists.delete(connectionId);
  }
}
