// Limits of the embedded Pusher server that operators may change (Reverb-style names,
// CHATCTL_ prefix like the other chatctl-only settings).
import { z } from 'zod';

export interface RealtimeLimits {
  /** CHATCTL_WS_PUBLIC_CHANNELS: accept public (unauthenticated) channels; the chat needs none. */
  publicChannels: boolean;
  /** CHATCTL_WS_MAX_CONNECTIONS_PER_IP: live WebSocket connections per client address. */
  maxConnectionsPerAddress: number;
  /** CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION: channels one connection may join. */
  maxChannelsPerConnection: number;
}

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value);

const booleanVar = (variable: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? blank(v.toLowerCase()) : v),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', '(true)', '(false)'], { error: () => `${variable} must be true or false` })
      .transform((v) => ['true', '1', 'yes', 'on', '(true)'].includes(v))
      .default(false),
  );

const countVar = (variable: string, fallback: number, max: number) =>
  z.preprocess(
    blank,
    z
      .string()
      .regex(/^\d+$/, `${variable} must be a whole number between 1 and ${max}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, `${variable} must be a whole number between 1 and ${max}`)
      .default(fallback),
  );

export const realtimeLimitsEnv = {
  CHATCTL_WS_PUBLIC_CHANNELS: booleanVar('CHATCTL_WS_PUBLIC_CHANNELS'),
  CHATCTL_WS_MAX_CONNECTIONS_PER_IP: countVar('CHATCTL_WS_MAX_CONNECTIONS_PER_IP', 100, 10_000),
  CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION: countVar('CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION', 100, 10_000),
};

export function realtimeLimitsFrom(env: {
  CHATCTL_WS_PUBLIC_CHANNELS: boolean;
  CHATCTL_WS_MAX_CONNECTIONS_PER_IP: number;
  CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION: number;
}): RealtimeLimits {
  return {
    publicChannels: env.CHATCTL_WS_PUBLIC_CHANNELS,
    maxConnectionsPerAddress: env.CHATCTL_WS_MAX_CONNECTIONS_PER_IP,
    maxChannelsPerConnection: env.CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION,
  };
}
