// Sending: optimistic pending messages, sent one after the other (so they arrive in order) with
// an Idempotency-Key that a retry reuses; files are streamed with a progress line.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { useState } from 'react';
import type { ChatApi } from '../../client/api.js';
import { fromApiMessage } from '../../client/decode.js';
import { sendFile } from '../../client/upload.js';
import { MESSAGE_MAX } from '../../shared/wire.js';
import { describeError, retryable } from '../errors.js';
import type { ChatAction, ChatState } from '../state/chat.js';
import { outgoing } from '../state/compose.js';
import { retryablePending, type MessagesAction, type PendingMessage } from '../state/messages.js';
import type { Store } from '../state/store.js';

export interface SendQueue {
  /** Sends the text; false when there was nothing to send or it could not be sent. */
  send(text: string): boolean;
  /** Sends a file from disk; resolves false (with a notice) when it cannot be read. */
  sendFile(path: string): Promise<boolean>;
  /** Retries failed sends of the open conversation; false when there were none. */
  retry(): boolean;
}

/** Progress is redrawn at most this often (a large file reads in many chunks). */
const PROGRESS_MS = 100;

export function useSendQueue(store: Store<ChatState, ChatAction>, api: ChatApi, socketId: () => string | undefined, alive: () => boolean): SendQueue {
  const [queue] = useState<SendQueue>(() => {
    const { getState, dispatch } = store;
    let chain: Promise<void> = Promise.resolve();
    const say = (text: string) => dispatch({ type: 'notice', notice: { text, tone: 'error' } });
    const to = (conversationId: number, action: MessagesAction) => dispatch({ type: 'conversation', conversationId, action });
    const deliver = (conversationId: number, pending: PendingMessage, path?: string) => {
      chain = chain.then(async () => {
        try {
          let lastDrawn = 0;
          const onProgress = (sent: number) => {
            const now = Date.now();
            if (now - lastDrawn < PROGRESS_MS || !alive()) return;
            lastDrawn = now;
            to(conversationId, { type: 'progress', key: pending.key, sent });
          };
          const sent =
            path && pending.upload
              ? await sendFile(api, conversationId, { path, name: pending.upload.name, size: pending.upload.size }, { idempotencyKey: pending.key, socketId: socketId(), onProgress })
              : await api.sendTextMessage(conversationId, pending.body, { idempotencyKey: pending.key, socketId: socketId() });
          if (!alive()) return;
          const message = fromApiMessage(sent);
          dispatch({ type: 'list', action: { type: 'message', message } });
          to(conversationId, { type: 'sent', key: pending.key, message });
        } catch (error) {
          if (!alive()) return;
          to(conversationId, { type: 'send-failed', key: pending.key, error: describeError(error), retryable: retryable(error) });
        }
      });
    };
    /** Files of pending uploads, by key (a retry re-reads the file). */
    const files = new Map<string, string>();
    return {
      send(text) {
        const current = getState().conversation;
        const body = outgoing(text);
        if (!current || body === '') return false;
        if (body.length > MESSAGE_MAX) {
          say(`the message is ${body.length} characters long; the server accepts at most ${MESSAGE_MAX}`);
          return false;
        }
        const pending: PendingMessage = { key: randomUUID(), body, createdAt: new Date().toISOString(), status: 'sending', retryable: true };
        to(current.conversationId, { type: 'queued', pending });
        deliver(current.conversationId, pending);
        return true;
      },
      async sendFile(path) {
        const current = getState().conversation;
        if (!current) return false;
        let size: number;
        try {
          const info = await stat(path);
          if (!info.isFile()) throw new Error('it is not a file');
          size = info.size;
        } catch (error) {
          say(`cannot send ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(error)}`);
          return false;
        }
        const name = basename(path);
        const pending: PendingMessage = { key: randomUUID(), body: '', createdAt: new Date().toISOString(), status: 'sending', retryable: true, upload: { name, size, sent: 0 } };
        files.set(pending.key, path);
        to(current.conversationId, { type: 'queued', pending });
        deliver(current.conversationId, pending, path);
        return true;
      },
      retry() {
        const current = getState().conversation;
        const failed = retryablePending(current);
        if (!current || failed.length === 0) return false;
        to(current.conversationId, { type: 'retrying', keys: failed.map((p) => p.key) });
        for (const pending of failed) deliver(current.conversationId, pending, files.get(pending.key));
        return true;
      },
    };
  });
  return queue;
}
