// The seed's four chat endpoints plus explicit read marking and attachment download.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MESSAGE_MAX, MESSAGE_TYPES } from '../../../shared/wire.js';
import { validSocketId } from '../../broadcasting/broadcaster.js';
import { StoreBusyError, type Attachment, type ConversationSummary, type MessageType, type StoredMessage } from '../../store/index.js';
import { currentUser } from '../authenticate.js';
import { ok, type RouteContext } from '../context.js';
import { HttpError } from '../errors.js';
import { translate, validationMessage } from '../i18n/index.js';
import { parseId } from '../params.js';
import { isoSeconds, presentConversation, presentMessage, presentSentMessage } from '../../presenters/index.js';
import { sendAttachment } from '../attachment-download.js';
import { claimUpload, STORED_NAME_RE, uploadOf, type UploadedFile } from '../uploads.js';
import { uploadsFolder } from '../uploads-folder.js';
import { optionalEnum, optionalString, requiredInteger, validateBody, validationError } from '../validation.js';


const startBody = z.object({ user_id: requiredInteger() });
const sendBody = z.object({
  message: optionalString({ max: MESSAGE_MAX }),
  type: optionalEnum(MESSAGE_TYPES),
});

const pageQuery = z.object({
  limit: z.optional(z.string().regex(/^\d{1,4}$/, 'integer').transform(Number)),
  before_id: z.optional(z.string().regex(/^\d{1,16}$/, 'integer').transform(Number)),
  after_id: z.optional(z.string().regex(/^\d{1,16}$/, 'integer').transform(Number)),
});

export async function chatRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { store, locale, events } = ctx;
  const authed = { onRequest: ctx.authenticate };

  /** 404 when the conversation does not exist, 403 when the user is not in it. */
  async function participantsFor(conversationId: number, userId: number) {
    const participants = await store.getParticipants(conversationId);
    if (!participants) throw new HttpError(404, translate(locale, 'not_found'));
    if (!participants.some((p) => p.userId === userId)) throw new HttpError(403, translate(locale, 'forbidden'));
    return participants;
  }

  /** After a read: tell the other side (`message.read`) and the reader's other devices (list row). */
  async function announceRead(conversationId: number, readerId: number, request: FastifyRequest) {
    const result = await store.markRead(conversationId, readerId);
    if (!result.changed || !result.lastReadAt) return result;
    const socketId = validSocketId(request.headers['x-socket-id']);
    events.messageRead(conversationId, readerId, result.lastReadMessageId, result.lastReadAt, socketId);
    const summary = await store.getConversationSummary(conversationId, readerId);
    if (summary) events.conversationUpdated(readerId, summary, socketId);
    return result;
  }

  app.get('/api/chat/conversations', authed, async (request) => {
    const me = currentUser(request);
    const present = ctx.presentContext();
    const conversations = await store.listConversations(me.id);
    return ok(conversations.map((c) => presentConversation(c, present)));
  });

  app.post('/api/chat/conversations/start', authed, async (request, reply) => {
    const me = currentUser(request);
    const { user_id: otherId } = validateBody(startBody, request.body, locale);
    if (otherId === me.id) {
      throw validationError(locale, { user_id: [translate(locale, 'cannot_start_with_self')] });
    }
    if (!(await store.findUserById(otherId))) {
      throw validationError(locale, { user_id: [validationMessage(locale, 'exists', 'user_id')] });
    }
    const { conversationId, created } = await store.findOrCreateConversation(me.id, otherId);
    if (created) {
      for (const userId of [me.id, otherId]) {
        const summary = await store.getConversationSummary(conversationId, userId);
        if (summary) events.conversationCreated(userId, summary);
      }
    }
    reply.code(created ? 201 : 200);
    return ok(
      { conversation_id: conversationId },
      translate(locale, created ? 'conversation_created' : 'conversation_exists'),
    );
  });

  app.get('/api/chat/conversations/:id/messages', authed, async (request) => {
    const me = currentUser(request);
    const conversationId = parseId((request.params as { id: string }).id, locale);
    await participantsFor(conversationId, me.id);
    const page = parsePage(request.query);
    await announceRead(conversationId, me.id, request);
    const messages = await store.listMessages(conversationId, page);
    const present = ctx.presentContext();
    return ok(messages.map((m) => presentMessage(m, present)));
  });

  app.post('/api/chat/conversations/:id/read', authed, async (request) => {
    const me = currentUser(request);
    const conversationId = parseId((request.params as { id: string }).id, locale);
    await participantsFor(conversationId, me.id);
    const result = await announceRead(conversationId, me.id, request);
    return ok(
      {
        conversation_id: conversationId,
        last_read_message_id: result.lastReadMessageId,
        read_at: result.lastReadAt ? isoSeconds(result.lastReadAt) : null,
        unread_count: 0,
      },
      translate(locale, 'messages_marked_read'),
    );
  });

  app.post(
    '/api/chat/conversations/:id/messages',
    { ...authed, config: { acceptsUpload: true } },
    async (request, reply) => {
      const me = currentUser(request);
      const conversationId = parseId((request.params as { id: string }).id, locale);
      const participants = await participantsFor(conversationId, me.id);
      const raw = request.body ?? {};
      if (typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, translate(locale, 'malformed_body'));
      // Only a real multipart file part is an upload; any `file` value in the body is refused.
      if ((raw as Record<string, unknown>).file !== undefined) {
        throw validationError(locale, { file: [validationMessage(locale, 'file', 'file')] });
      }
      const file = uploadOf(request);
      const body = validateBody(sendBody, raw, locale);
      const { type, attachment } = resolveAttachment(body.type, file);
      if (!file && body.message === undefined) {
        throw validationError(locale, { message: [validationMessage(locale, 'required', 'message')] });
      }

      const idempotency = idempotencyFor(request, conversationId, type, body.message ?? '', file);
      const result = await store
        .sendMessage({ conversationId, senderId: me.id, type, body: body.message ?? '', attachment, idempotency })
        .catch((error: unknown) => {
          // Another process holds the write lock (say a long admin command): nothing was stored, retry.
          if (error instanceof StoreBusyError) throw new HttpError(503, translate(locale, 'server_error'), undefined, { 'retry-after': '1' });
          throw error;
        });
      if (result.kind === 'key-reused-with-different-request') {
        throw new HttpError(422, translate(locale, 'idempotency_mismatch'));
      }
      const present = ctx.presentContext();
      if (result.kind === 'created') {
        if (file) claimUpload(request, file);
        publishSent(result, participants.map((p) => p.userId), request);
      } else {
        reply.header('idempotent-replayed', 'true');
      }
      reply.code(201);
      return ok(presentSentMessage(result.message, present), translate(locale, 'message_sent'));
    },
  );

  app.get('/api/chat/messages/:id/attachment', authed, async (request, reply) => {
    const me = currentUser(request);
    const message = await store.getMessage(parseId((request.params as { id: string }).id, locale));
    if (!message || !message.attachment) throw new HttpError(404, translate(locale, 'not_found'));
    await participantsFor(message.conversationId, me.id);
    if (!(await sendAttachment(reply, uploadsFolder(ctx.config), message.attachment))) {
      throw new HttpError(404, translate(locale, 'not_found'));
    }
    return reply;
  });

  function publishSent(
    { message, summaries }: { message: StoredMessage; summaries?: { userId: number; summary: ConversationSummary }[] },
    participantIds: number[],
    request: FastifyRequest,
  ) {
    const socketId = validSocketId(request.headers['x-socket-id']);
    events.messageSent(message, socketId);
    // Each participant's list row: the recipient's unread count grows, the sender's stays 0.
    // The store returns the rows with the write when it can; otherwise they are read back.
    const announce = (userId: number, summary: ConversationSummary) =>
      events.conversationUpdated(userId, summary, userId === message.senderId ? socketId : undefined);
    if (summaries) {
      for (const { userId, summary } of summaries) announce(userId, summary);
      return;
    }
    void Promise.all(
      participantIds.map(async (userId) => {
        const summary = await store.getConversationSummary(message.conversationId, userId);
        if (summary) announce(userId, summary);
      }),
    ).catch((error: unknown) => ctx.logError(`list update after message ${message.id} failed: ${(error as Error).message}`));
  }

  function parsePage(query: unknown) {
    const parsed = pageQuery.safeParse(query ?? {});
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'limit');
      throw validationError(locale, { [field]: [validationMessage(locale, 'integer', field)] });
    }
    const { limit = 50, before_id: beforeId, after_id: afterId } = parsed.data;
    if (limit < 1 || limit > 200) {
      const rule = limit < 1 ? 'min.numeric' : 'max.numeric';
      throw validationError(locale, { limit: [validationMessage(locale, rule, 'limit', limit < 1 ? { min: 1 } : { max: 200 })] });
    }
    if (beforeId !== undefined && afterId !== undefined) {
      throw validationError(locale, { after_id: [validationMessage(locale, 'prohibits', 'after_id', { other: 'before_id' })] });
    }
    return { limit, beforeId, afterId };
  }

  function resolveAttachment(
    requested: MessageType | undefined,
    file: UploadedFile | undefined,
  ): { type: MessageType; attachment: Attachment | null } {
    if (!file) return { type: requested ?? 'text', attachment: null };
    if (requested === 'text') throw validationError(locale, { type: [translate(locale, 'attachment_not_allowed')] });
    if (file.size === 0 || !STORED_NAME_RE.test(file.storedName)) {
      throw validationError(locale, { file: [validationMessage(locale, 'file', 'file')] });
    }
    const type: MessageType = requested === 'image' || requested === 'file' ? requested : file.imageMime ? 'image' : 'file';
    if (type === 'image' && !file.imageMime) {
      throw validationError(locale, { file: [validationMessage(locale, 'image', 'file')] });
    }
    return {
      type,
      attachment: {
        storedName: file.storedName,
        originalName: file.originalName,
        // Only sniffed image types are trusted; a declared image/* (say an SVG with script) is just a file.
        mime: file.imageMime ?? (/^[\w.+-]+\/[\w.+-]+$/.test(file.declaredMime) && !file.declaredMime.startsWith('image/') ? file.declaredMime : 'application/octet-stream'),
        size: file.size,
      },
    };
  }

  function idempotencyFor(
    request: FastifyRequest,
    conversationId: number,
    type: MessageType,
    message: string,
    file: UploadedFile | undefined,
  ) {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return undefined;
    const key = (Array.isArray(header) ? header[0] : header)?.trim().replace(/^"(.*)"$/, '$1') ?? '';
    if (key.length === 0 || key.length > 255 || /[^\x21-\x7e]/.test(key)) {
      throw validationError(locale, { 'Idempotency-Key': [translate(locale, 'idempotency_key_invalid')] });
    }
    const requestHash = createHash('sha256')
      .update(JSON.stringify([conversationId, type, message, file?.sha256 ?? null]))
      .digest('hex');
    return { key, requestHash };
  }
}
