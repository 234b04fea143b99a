// Keeping the list and the open conversation in step with the server over HTTP: the list
// refresh, the catch-up after the newest message held (a reconnect's gap, merged by id), older
// pages, marking read, and polling when the server has no real-time driver. A catch-up that
// fails is shown in the conversation and tried again.
import { useEffect, useState } from 'react';
import type { ChatApi } from '../../client/api.js';
import { fromApiMessage, fromListItem } from '../../client/decode.js';
import { coalesced, describeError } from '../errors.js';
import type { ChatAction, ChatState } from '../state/chat.js';
import type { Store } from '../state/store.js';

/** Messages per page (the first page, and each older page). */
export const PAGE_SIZE = 50;
const BACKFILL_PAGE = 200;
const BACKFILL_MAX_PAGES = 20;
/** How often to poll when the server has no real-time driver (and to retry a failed catch-up). */
export const POLL_MS = 5000;

export interface Sync {
  refreshList(): void;
  backfill(): void;
  loadOlder(): void;
  /** Marks a conversation read soon (several messages in a row make one request). */
  markRead(conversationId: number): void;
}

export function useSync(store: Store<ChatState, ChatAction>, api: ChatApi, socketId: () => string | undefined, alive: () => boolean): Sync {
  const [sync] = useState<Sync & { dispose(): void }>(() => {
    const { getState, dispatch } = store;
    let markReadTimer: NodeJS.Timeout | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    const refreshList = coalesced(async () => {
      try {
        const rows = (await api.conversations()).map(fromListItem);
        if (alive()) dispatch({ type: 'list', action: { type: 'loaded', rows } });
      } catch (error) {
        if (alive()) dispatch({ type: 'notice', notice: { text: `could not refresh the conversation list: ${describeError(error)}`, tone: 'error' } });
      }
    });
    /**
     * Everything after the newest message held, merged by id. It starts at my oldest message not
     * known to be read, so read receipts missed meanwhile are caught up too.
     */
    const backfill = coalesced(async () => {
      const current = getState().conversation;
      if (!current || current.status !== 'ready') return;
      const id = current.conversationId;
      const newest = current.messages.at(-1)?.id;
      const ownUnread = current.messages.find((m) => m.senderId === current.meId && m.id > current.otherReadUpTo)?.id;
      let after = newest === undefined ? undefined : Math.min(newest, (ownUnread ?? Infinity) - 1);
      try {
        for (let page = 0; page < BACKFILL_MAX_PAGES; page++) {
          const batch = (await api.messages(id, after === undefined ? { limit: PAGE_SIZE } : { afterId: after, limit: BACKFILL_PAGE })).map(fromApiMessage);
          if (!alive()) return;
          dispatch({ type: 'conversation', conversationId: id, action: { type: 'received', messages: batch } });
          const last = batch.at(-1);
          if (last) dispatch({ type: 'list', action: { type: 'message', message: last } });
          if (after === undefined || batch.length < BACKFILL_PAGE || !last) return;
          after = last.id;
        }
      } catch (error) {
        if (!alive()) return;
        dispatch({ type: 'conversation', conversationId: id, action: { type: 'sync-failed', error: describeError(error) } });
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => alive() && backfill(), POLL_MS);
      }
    });
    const loadOlder = () => {
      const current = getState().conversation;
      if (!current || current.status !== 'ready' || !current.hasOlder || current.loadingOlder) return;
      const id = current.conversationId;
      const first = current.messages[0]?.id;
      if (first === undefined) return;
      dispatch({ type: 'conversation', conversationId: id, action: { type: 'older-start' } });
      api.messages(id, { beforeId: first, limit: PAGE_SIZE }).then(
        (page) => alive() && dispatch({ type: 'conversation', conversationId: id, action: { type: 'older', messages: page.map(fromApiMessage), limit: PAGE_SIZE } }),
        (error: unknown) => alive() && dispatch({ type: 'conversation', conversationId: id, action: { type: 'older-failed', error: describeError(error) } }),
      );
    };
    const markRead = (conversationId: number) => {
      clearTimeout(markReadTimer);
      markReadTimer = setTimeout(() => {
        api.markReadFromSocket(conversationId, socketId()).catch(() => undefined);
      }, 300);
    };
    const dispose = () => {
      clearTimeout(markReadTimer);
      clearTimeout(retryTimer);
    };
    return { refreshList, backfill, loadOlder, markRead, dispose };
  });
  useEffect(() => () => sync.dispose(), [sync]);
  return sync;
}

/** Without real-time (a server with the log or null driver) the list and the open conversation are polled. */
export function usePolling(off: boolean, sync: Sync): void {
  useEffect(() => {
    if (!off) return;
    const timer = setInterval(() => {
      sync.refreshList();
      sync.backfill();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [off, sync]);
}
