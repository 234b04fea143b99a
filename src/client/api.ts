// A typed client for the chatctl HTTP API (used by the scripting verbs, and later the TUI).
import type { Readable } from 'node:stream';
import { FormData, request } from 'undici';
import type { MessageType } from '../shared/wire.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors?: Record<string, string[]>,
    /** Seconds from a 429's Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface RealtimeSettings {
  driver: string;
  enabled: boolean;
  key: string | null;
  cluster: string;
  ws_host: string | null;
  ws_port: number | null;
  wss_port: number | null;
  force_tls: boolean;
  auth_endpoint: string;
  /** Laravel's /broadcasting/user-auth for pusher:signin (older servers omit it). */
  user_auth_endpoint?: string;
  /** The real-time server sends watchlist online/offline events (the embedded one does). */
  watchlist?: boolean;
}

export interface Account {
  id: number;
  name: string;
  email: string;
  avatar: string | null;
}

export interface LoginResult {
  token: string;
  token_type: string;
  user: Account & { created_at: string; updated_at: string };
}

export interface PublicUser {
  id: number;
  name: string;
  avatar: string | null;
  /** ISO 8601; an extra key on `other_user` (servers without it omit it). */
  last_seen_at?: string | null;
}

export interface ConversationItem {
  id: number;
  other_user: PublicUser;
  latest_message: {
    message: string;
    /** relative ("5 seconds ago"), as the seed */
    created_at: string;
    id: number;
    sender_id: number;
    type: MessageType;
    sent_at: string;
  } | null;
  unread_count: number;
  updated_at: string;
}

export type { MessageType };

export interface AttachmentInfo {
  url: string;
  name: string;
  mime: string;
  size: number;
}

export interface Message {
  id: number;
  conversation_id: number;
  sender_id: number;
  message: string;
  type: MessageType;
  is_read: boolean;
  created_at: string;
  sender: PublicUser;
  attachment: AttachmentInfo | null;
}

export interface MarkReadResult {
  conversation_id: number;
  last_read_message_id: number;
  read_at: string | null;
  unread_count: number;
}

export interface HealthInfo {
  status: string;
  version: string;
  database: string;
  broadcasting: { driver: string; published: number; failures: number; last_error: string | null };
}

export interface PageOptions {
  limit?: number;
  beforeId?: number;
  afterId?: number;
}

export interface SendOptions {
  message?: string;
  type?: MessageType;
  /** a file on disk, sent as the multipart field `file` */
  file?: { path: string; name: string; mime?: string };
  idempotencyKey?: string;
}

/** A response with its status and headers, for callers that need more than `data`. */
export interface ApiResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

/** A body streamed as it is read (an upload with progress): built per attempt. */
export interface StreamBody {
  stream(): Readable;
  contentType: string;
  length: number;
}

type RequestBody = Record<string, unknown> | (() => Promise<FormData>) | StreamBody;

const isStreamBody = (body: RequestBody | undefined): body is StreamBody => typeof body === 'object' && body !== null && typeof body.stream === 'function';

interface Envelope<T> {
  status: boolean;
  message?: string;
  data?: T;
  errors?: Record<string, string[]>;
}

export class ChatApi {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<T> {
    return (await this.send<T>(method, path, body, headers)).data;
  }

  /**
   * One request. `body` is JSON, or a function building a multipart form (called per attempt,
   * so a retried upload re-reads its file). Network failures are ApiError with status 0.
   */
  async send<T>(method: 'GET' | 'POST', path: string, body?: RequestBody, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const form = typeof body === 'function' ? await body() : undefined;
    const streamed = isStreamBody(body) ? body : undefined;
    const json = body && !form && !streamed ? JSON.stringify(body) : undefined;
    let response;
    try {
      response = await request(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(json ? { 'content-type': 'application/json' } : {}),
          ...(streamed ? { 'content-type': streamed.contentType, 'content-length': String(streamed.length) } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        body: form ?? streamed?.stream() ?? json,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (error) {
      throw new ApiError(`Cannot reach ${this.baseUrl} (${(error as Error).message}); is chatctl serve running?`, 0);
    }
    const text = await response.body.text();
    let parsed: Envelope<T> | null;
    try {
      parsed = JSON.parse(text) as Envelope<T> | null;
    } catch {
      throw new ApiError(`${this.baseUrl} answered ${response.statusCode} with something that is not JSON; is it a chatctl server?`, response.statusCode);
    }
    if (response.statusCode >= 400 || parsed?.status === false) {
      const retryAfter = Number(response.headers['retry-after']);
      throw new ApiError(parsed?.message ?? `HTTP ${response.statusCode}`, response.statusCode, parsed?.errors, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
    }
    return { status: response.statusCode, headers: response.headers, data: parsed?.data as T };
  }

  login(email: string, password: string, deviceName?: string): Promise<LoginResult> {
    return this.call<LoginResult>('POST', '/api/login', { email, password, ...(deviceName ? { device_name: deviceName } : {}) });
  }

  register(input: { name: string; email: string; password: string; device_name?: string }): Promise<LoginResult> {
    return this.call<LoginResult>('POST', '/api/register', input);
  }

  async logout(): Promise<void> {
    await this.call<null>('POST', '/api/logout');
  }

  health(): Promise<HealthInfo> {
    return this.call<HealthInfo>('GET', '/health');
  }

  searchUsers(search: string): Promise<PublicUser[]> {
    return this.call<PublicUser[]>('GET', `/api/users?search=${encodeURIComponent(search)}`);
  }

  conversations(): Promise<ConversationItem[]> {
    return this.call<ConversationItem[]>('GET', '/api/chat/conversations');
  }

  /** Starts (or finds) the conversation with a user; `created` is false when it already existed. */
  async startConversation(userId: number): Promise<{ conversation_id: number; created: boolean }> {
    const response = await this.send<{ conversation_id: number }>('POST', '/api/chat/conversations/start', { user_id: userId });
    return { conversation_id: response.data.conversation_id, created: response.status === 201 };
  }

  /** A page of history, oldest first. Reading marks the other side's messages read. */
  messages(conversationId: number, page: PageOptions = {}): Promise<Message[]> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.beforeId !== undefined) query.set('before_id', String(page.beforeId));
    if (page.afterId !== undefined) query.set('after_id', String(page.afterId));
    const qs = query.toString();
    return this.call<Message[]>('GET', `/api/chat/conversations/${conversationId}/messages${qs ? `?${qs}` : ''}`);
  }

  /** Sends a message (multipart when a file is given); `replayed` when the Idempotency-Key was seen before. */
  async sendMessage(conversationId: number, options: SendOptions): Promise<{ message: Message; replayed: boolean }> {
    const path = `/api/chat/conversations/${conversationId}/messages`;
    const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
    const { file } = options;
    let body: RequestBody;
    if (file) {
      body = async () => {
        const { openAsBlob } = await import('node:fs');
        const form = new FormData();
        if (options.type) form.append('type', options.type);
        if (options.message !== undefined) form.append('message', options.message);
        form.append('file', await openAsBlob(file.path, file.mime ? { type: file.mime } : {}), file.name);
        return form;
      };
    } else {
      body = { message: options.message ?? '', type: options.type ?? 'text' };
    }
    const response = await this.send<Message>('POST', path, body, headers);
    return { message: response.data, replayed: response.headers['idempotent-replayed'] === 'true' };
  }

  markRead(conversationId: number): Promise<MarkReadResult> {
    return this.call<MarkReadResult>('POST', `/api/chat/conversations/${conversationId}/read`);
  }

  me(): Promise<Account> {
    return this.call<Account>('GET', '/api/user');
  }

  realtime(): Promise<RealtimeSettings> {
    return this.call<RealtimeSettings>('GET', '/api/chat/realtime');
  }

  /**
   * A text message from a real-time client: the Idempotency-Key makes a retry return the first
   * result, and `socketId` (X-Socket-ID, Laravel's toOthers) keeps the server from echoing the
   * message.sent event back to that connection.
   */
  async sendTextMessage(conversationId: number, message: string, options: { idempotencyKey: string; socketId?: string }): Promise<Message> {
    const headers: Record<string, string> = { 'idempotency-key': options.idempotencyKey };
    if (options.socketId) headers['x-socket-id'] = options.socketId;
    const response = await this.send<Message>('POST', `/api/chat/conversations/${conversationId}/messages`, { message, type: 'text' }, headers);
    return response.data;
  }

  /** Marks a conversation read without echoing the list update back to `socketId` (X-Socket-ID). */
  markReadFromSocket(conversationId: number, socketId?: string): Promise<MarkReadResult> {
    return this.call<MarkReadResult>('POST', `/api/chat/conversations/${conversationId}/read`, undefined, socketId ? { 'x-socket-id': socketId } : {});
  }
}
