// HTTP connection hygiene: header/request/keep-alive timeouts, a global connection cap and a cap
// per client address, applied as each TCP connection arrives (before any byte is parsed), so one
// client holding thousands of half-sent requests cannot use up the file descriptors the rest need.
// WebSocket upgrades arrive as HTTP connections too and count here; their own per-address limit
// lives in the embedded Pusher server.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../config/limits.js';
import { addressKey } from './pusher/address-limits.js';
import { proxyTrust } from './forwarded-for.js';

// One notion of "a client address" for HTTP and WebSocket limits (IPv4 as is, IPv6 by its /64).
export { addressKey } from './pusher/address-limits.js';

export interface LimitedServer {
  server: Server;
  /** Open connections per address right now (for tests and /health-like figures). */
  openConnections(): number;
}

/**
 * An http.Server with the limits applied. `exempt` lets trusted reverse proxies (whose one
 * address carries many clients) bypass the per-address cap.
 */
export function createLimitedServer(
  handler: RequestListener,
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
  exempt: (address: string) => boolean = () => false,
): LimitedServer {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two timeouts above are enforced (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  const perAddress = new Map<string, number>();
  let open = 0;

  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress);
    const count = perAddress.get(key) ?? 0;
    if (count >= limits.maxConnectionsPerAddress && !exempt(socket.remoteAddress ?? '')) {
      socket.destroy(); // refused before a byte is read: costs nothing but the accept
      return;
    }
    perAddress.set(key, count + 1);
    open++;
    socket.once('close', () => {
      open--;
      const left = (perAddress.get(key) ?? 1) - 1;
      if (left <= 0) perAddress.delete(key);
      else perAddress.set(key, left);
    });
  });
  return { server, openConnections: () => open };
}

/**
 * TRUSTED_PROXIES as a predicate on a socket's address: a trusted balancer carries many clients
 * over one address, so the per-address cap does not apply to it (the global cap still does).
 */
export function trustedProxyMatcher(proxies: true | string[] | undefined): (address: string) => boolean {
  return proxies === undefined ? () => false : proxyTrust(proxies).isTrusted;
}
