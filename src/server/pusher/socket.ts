/**
 * The `ws` adapter: upgrades `/app/{key}` on an existing http.Server, turns sockets into
 * `HubConnection`s, and owns everything transport-level the hub should not know about:
 * handshake rejections, liveness (4201), connection quota, frame size, slow consumers, shutdown.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AddressCounter, addressKey } from './address-limits.js';
import type { Hub, HubConnection, LogFn } from './hub.js';
import { SharedFrames } from './shared-frames.js';
import {
  ErrorCode,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  connectionEstablishedFrame,
  errorFrame,
  generateSocketId,
} from './protocol.js';
import type { PusherTap } from './tap.js';

export interface SocketServerOptions {
  appKey: string;
  hub: Hub;
  activityTimeoutSeconds: number;
  pongGraceSeconds: number;
  maxConnections: number;
  /** Sockets one client address (IPv6: one /64) may hold at once; beyond it 4004, then HTTP 429. */
  maxConnectionsPerAddress: number;
  /** Who the client is; default the TCP peer address. */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Told when a registered connection is gone (after the hub forgot it). */
  onConnectionClosed?: (socketId: string) => void;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  log: LogFn;
  /** How long `close()` waits for clients to finish the close handshake before terminating. */
  shutdownTimeoutMs?: number;
  generateId?: () => string;
  /** Observer for the debug console (connections opened, refused, closed). */
  tap?: PusherTap;
}

/** `client` and `version` from the handshake query (pusher-js sends `client=js&version=8.4.0`), for the console. */
interface ClientInfo {
  client?: string;
  version?: string;
}

const CLIENT_INFO_RE = /^[\w.+-]{1,32}$/;

const APP_PATH_RE = /^\/app\/([^/]+)\/?$/;

export class PusherSocketServer {
  private readonly wss: WebSocketServer;
  /** Every upgraded socket, live or being rejected, so shutdown can reach all of them. */
  private readonly sockets = new Set<WebSocket>();
  private liveConnections = 0;
  private closing: Promise<void> | undefined;
  /** Our upgrade listener per attached server, so shutdown can detach exactly what it added. */
  private readonly attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  private readonly idleMs: number;
  private readonly perAddress: AddressCounter;
  /** Over-limit sockets still being refused with 4004, per address: beyond a few, plain HTTP 429. */
  private readonly refusing = new AddressCounter(MAX_REFUSALS_IN_FLIGHT_PER_ADDRESS);
  /** One framed copy of each broadcast frame, shared by every socket it goes to. */
  private readonly frames = new SharedFrames();

  constructor(private readonly options: SocketServerOptions) {
    // permessage-deflate stays off (ws default for servers): it costs memory for 10 KB messages.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, clientTracking: false });
    this.idleMs = (options.activityTimeoutSeconds + options.pongGraceSeconds) * 1000;
    this.perAddress = new AddressCounter(options.maxConnectionsPerAddress);
  }

  get connectionCount(): number {
    return this.liveConnections;
  }

  attach(server: Server): void {
    if (this.attached.has(server)) return;
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.onUpgrade(server, req, socket, head);
    this.attached.set(server, listener);
    server.on('upgrade', listener);
  }

  private onUpgrade(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = safePathname(req.url);
    if (!pathname.startsWith('/app/')) {
      // Not ours. If another upgrade handler is installed it answers; otherwise refuse plainly.
      if (server.listenerCount('upgrade') > 1) return;
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const match = APP_PATH_RE.exec(pathname);
    if (!match) {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (this.closing) {
      rejectUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    const key = decodeSegment(match[1] ?? '');
    const query = new URLSearchParams(queryOf(req.url));
    const protocol = query.get('protocol');
    const info = clientInfo(query);
    const client = addressKey((this.options.clientAddress ?? peerAddress)(req));
    if (!this.perAddress.tryAcquire(client)) {
      this.refuseOverAddressLimit(req, socket, head, client, key, info);
      return;
    }
    // Released when the TCP socket is gone, whichever way the upgrade ends.
    if (socket.destroyed) {
      this.perAddress.release(client);
      return;
    }
    socket.once('close', () => this.perAddress.release(client));
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, key, protocol, info));
  }

  /** pusher-js stops retrying on 4004; a client that keeps piling sockets up gets HTTP 429 instead. */
  private refuseOverAddressLimit(req: IncomingMessage, socket: Duplex, head: Buffer, client: string, key: string, info: ClientInfo): void {
    if (!this.refusing.tryAcquire(client)) {
      rejectUpgrade(socket, 429, 'Too Many Requests');
      return;
    }
    socket.once('close', () => this.refusing.release(client));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('error', () => {});
      ws.on('close', () => this.sockets.delete(ws));
      const detail = `Over connection quota for your address (max ${this.options.maxConnectionsPerAddress})`;
      refuse(ws, ErrorCode.OVER_QUOTA, detail);
      this.options.tap?.({ kind: 'connection.refused', code: ErrorCode.OVER_QUOTA, detail, app_key: key.slice(0, 64), ...info });
    });
  }

  private onSocket(ws: WebSocket, key: string, protocolParam: string | null, info: ClientInfo = {}): void {
    this.sockets.add(ws);
    ws.on('error', (error) => {
      // ws closes the socket itself (e.g. 1009 for an oversized frame); we only keep the process alive.
      this.options.log('warn', `pusher: websocket error: ${error.message}`);
    });
    ws.on('close', () => this.sockets.delete(ws));

    const refused = (code: number, detail: string): void => {
      refuse(ws, code, detail);
      this.options.tap?.({ kind: 'connection.refused', code, detail, app_key: key.slice(0, 64), ...info });
    };
    if (key !== this.options.appKey) {
      refused(ErrorCode.APP_NOT_FOUND, 'Application does not exist');
      return;
    }
    // Missing / non-numeric protocol counts as 7 (stock clients always send 7).
    const requested = protocolParam !== null && /^\d+$/.test(protocolParam) ? Number(protocolParam) : PROTOCOL_VERSION;
    if (requested < MIN_PROTOCOL_VERSION) {
      refused(ErrorCode.UNSUPPORTED_PROTOCOL, `Unsupported protocol version ${requested}`);
      return;
    }
    if (this.liveConnections >= this.options.maxConnections) {
      refused(ErrorCode.OVER_QUOTA, 'Over connection quota');
      return;
    }
    this.register(ws, requested, info);
  }

  private register(ws: WebSocket, protocol = PROTOCOL_VERSION, info: ClientInfo = {}): void {
    const { hub, log, maxBufferedBytes } = this.options;
    const frames = this.frames;
    const id = this.uniqueId();
    const tap = this.options.tap;
    /** Why the server itself cut the socket, when it did (for the console's close line). */
    let cause: string | undefined;
    const conn: HubConnection = {
      id,
      send(frame: string): boolean {
        if (ws.readyState !== WebSocket.OPEN) return false;
        if (ws.bufferedAmount > maxBufferedBytes) {
          // Slow consumer: drop it rather than buffer without bound. terminate() frees memory now;
          // a close frame would queue behind the very backlog we are trying to get rid of.
          log('warn', `pusher: dropping slow connection ${id} (${ws.bufferedAmount} bytes buffered)`);
          cause = `slow consumer: ${ws.bufferedAmount} bytes buffered`;
          ws.terminate();
          return false;
        }
        frames.send(ws, frame);
        return true;
      },
      close(code: number, reason: string): void {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
      },
    };

    this.liveConnections += 1;
    hub.addConnection(conn);
    // Liveness: any frame (or ws-level ping/pong) resets it; silence past activity_timeout + grace → 4201.
    const idleTimer = setTimeout(() => {
      log('info', `pusher: closing idle connection ${id}`);
      cause = 'no activity (pong timeout)';
      conn.send(errorFrame(ErrorCode.PONG_TIMEOUT, 'Pong reply not received in time'));
      conn.close(ErrorCode.PONG_TIMEOUT, 'Pong reply not received in time');
    }, this.idleMs);
    idleTimer.unref();
    const touch = (): void => {
      idleTimer.refresh();
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      touch();
      if (isBinary) {
        conn.send(errorFrame(null, 'Binary frames are not supported; send UTF-8 JSON text frames'));
        return;
      }
      try {
        hub.handleMessage(id, rawToString(data));
      } catch (error) {
        // A bug in our code must not take the process down with it.
        log('error', `pusher: failed to handle a frame from ${id}: ${errorMessage(error)}`);
        conn.send(errorFrame(null, 'Internal server error while handling the frame'));
      }
    });
    ws.on('ping', touch);
    ws.on('pong', touch);
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(idleTimer);
      this.liveConnections -= 1;
      hub.removeConnection(id);
      this.options.onConnectionClosed?.(id);
      tap?.({ kind: 'connection.closed', socket_id: id, code, reason: reason.toString('utf8').slice(0, 123), ...(cause ? { cause } : {}) });
    });

    ws.send(connectionEstablishedFrame(id, this.options.activityTimeoutSeconds));
    tap?.({ kind: 'connection.opened', socket_id: id, protocol, ...info });
  }

  private uniqueId(): string {
    const generate = this.options.generateId ?? (() => generateSocketId());
    for (;;) {
      const id = generate();
      if (!this.options.hub.hasConnection(id)) return id;
    }
  }

  /** Tell every client the server is going away (4200, reconnect), and wait until all sockets are closed. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const [server, listener] of this.attached) server.off('upgrade', listener);
    this.attached.clear();
    const pending = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          ws.once('close', () => resolve());
          if (ws.readyState === WebSocket.OPEN) {
            ws.send(errorFrame(ErrorCode.GENERIC_RECONNECT, 'Server is shutting down'));
            ws.close(ErrorCode.GENERIC_RECONNECT, 'Server is shutting down');
          }
        }),
    );
    const timeout = setTimeout(() => {
      for (const ws of this.sockets) ws.terminate();
    }, this.options.shutdownTimeoutMs ?? 3000);
    timeout.unref();
    await Promise.all(pending);
    clearTimeout(timeout);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function clientInfo(query: URLSearchParams): ClientInfo {
  const info: ClientInfo = {};
  const client = query.get('client');
  const version = query.get('version');
  if (client !== null && CLIENT_INFO_RE.test(client)) info.client = client;
  if (version !== null && CLIENT_INFO_RE.test(version)) info.version = version;
  return info;
}

const MAX_REFUSALS_IN_FLIGHT_PER_ADDRESS = 10;

function peerAddress(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress;
}

function refuse(ws: WebSocket, code: number, message: string): void {
  ws.send(errorFrame(code, message));
  ws.close(code, message);
}

/** Plain HTTP answer on the raw socket (same pattern as ws's abortHandshake): flush, then destroy. */
function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

function safePathname(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function queryOf(url: string | undefined): string {
  const raw = url ?? '';
  const q = raw.indexOf('?');
  return q === -1 ? '' : raw.slice(q + 1);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
