// Connection limits and timeouts for `serve`, from CHATCTL_* variables with sane defaults.
import { z } from 'zod';

export interface ConnectionLimits {
  /** All open connections (HTTP and WebSocket). Keep below `ulimit -n`. */
  maxConnections: number;
  /** Open connections from one client address (one IPv6 /64). */
  maxConnectionsPerAddress: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (uploads). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 15_000,
  maxConnectionsPerAddress: 512,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
};

const whole = (variable: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^\d+$/, `${variable} must be a whole number between ${min} and ${max}`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `${variable} must be a whole number between ${min} and ${max}`)
      .optional(),
  );

/** The env schema entries; merged into the main one so errors read the same. */
export const limitsEnvSchema = {
  CHATCTL_MAX_CONNECTIONS: whole('CHATCTL_MAX_CONNECTIONS', 1, 1_000_000),
  CHATCTL_MAX_CONNECTIONS_PER_IP: whole('CHATCTL_MAX_CONNECTIONS_PER_IP', 1, 1_000_000),
  CHATCTL_HEADERS_TIMEOUT: whole('CHATCTL_HEADERS_TIMEOUT', 1, 3600),
  CHATCTL_REQUEST_TIMEOUT: whole('CHATCTL_REQUEST_TIMEOUT', 1, 86_400),
  CHATCTL_KEEPALIVE_TIMEOUT: whole('CHATCTL_KEEPALIVE_TIMEOUT', 1, 3600),
};

type LimitsEnv = { [K in keyof typeof limitsEnvSchema]?: number };

export function connectionLimitsFrom(env: LimitsEnv): ConnectionLimits {
  const d = DEFAULT_CONNECTION_LIMITS;
  const seconds = (value: number | undefined, fallback: number) => (value === undefined ? fallback : value * 1000);
  const headersTimeoutMs = seconds(env.CHATCTL_HEADERS_TIMEOUT, d.headersTimeoutMs);
  return {
    maxConnections: env.CHATCTL_MAX_CONNECTIONS ?? d.maxConnections,
    maxConnectionsPerAddress: env.CHATCTL_MAX_CONNECTIONS_PER_IP ?? d.maxConnectionsPerAddress,
    headersTimeoutMs,
    // Node requires requestTimeout >= headersTimeout.
    requestTimeoutMs: Math.max(headersTimeoutMs, seconds(env.CHATCTL_REQUEST_TIMEOUT, d.requestTimeoutMs)),
    keepAliveTimeoutMs: seconds(env.CHATCTL_KEEPALIVE_TIMEOUT, d.keepAliveTimeoutMs),
  };
}
