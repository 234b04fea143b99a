// A typed client for the chatctl HTTP API (used by the scripting verbs, and later the TUI).
import { request } from 'undici';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors?: Record<string, string[]>,
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
}

export interface Account {
  id: number;
  name: string;
  email: string;
  avatar: string | null;
}

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
    let response;
    try {
      response = await request(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        body: body ? JSON.stringify(body) : undefined,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (error) {
      throw new ApiError(`Cannot reach ${this.baseUrl} (${(error as Error).message}); is chatctl serve running?`, 0);
    }
    const text = await response.body.text();
    let parsed: Envelope<T>;
    try {
      parsed = JSON.parse(text) as Envelope<T>;
    } catch {
      throw new ApiError(`${this.baseUrl} answered ${response.statusCode} with something that is not JSON; is it a chatctl server?`, response.statusCode);
    }
    if (response.statusCode >= 400 || parsed.status === false) {
      throw new ApiError(parsed.message ?? `HTTP ${response.statusCode}`, response.statusCode, parsed.errors);
    }
    return parsed.data as T;
  }

  me(): Promise<Account> {
    return this.call<Account>('GET', '/api/user');
  }

  realtime(): Promise<RealtimeSettings> {
    return this.call<RealtimeSettings>('GET', '/api/chat/realtime');
  }
}
