// Plain-words meanings for the console: WebSocket close codes and short refusal reasons.

const CLOSE_CODES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away (page closed or app stopped)',
  1005: 'closed without a status',
  1006: 'connection lost (no close frame)',
  1008: 'policy violation',
  1009: 'frame too large',
  1011: 'server error',
  4001: 'app key unknown to this server',
  4004: 'over connection quota',
  4007: 'unsupported protocol version',
  4009: 'unauthorized (signin refused or terminated by the app)',
  4100: 'over capacity',
  4200: 'server going away, reconnect',
  4201: 'pong not received in time',
  4301: 'client event rejected',
};

export function closeMeaning(code: number): string {
  const known = CLOSE_CODES[code];
  if (known) return known;
  if (code >= 4000 && code < 4100) return 'error, do not reconnect';
  if (code >= 4100 && code < 4200) return 'error, reconnect after a pause';
  if (code >= 4200 && code < 4300) return 'error, reconnect';
  return 'closed';
}

/** Short reason for a refused subscription, from the protocol error type and its message. */
export function subscriptionReason(errorType: string, detail: string): string {
  if (errorType === 'LimitReached') return 'limit';
  if (errorType === 'InvalidChannel') return 'invalid channel name';
  if (/signature/i.test(detail)) return 'bad signature';
  if (/channel_data/i.test(detail)) return 'bad channel_data';
  if (/unauthorized for this channel/i.test(detail)) return 'reserved channel';
  if (/public channels are disabled/i.test(detail)) return 'public channel';
  return 'unauthorized';
}

/** Short reason for a refused client event. */
export function clientEventReason(detail: string): string {
  if (/rate limit/i.test(detail)) return 'rate limit';
  if (/only allowed on private and presence/i.test(detail)) return 'public channel';
  if (/not subscribed/i.test(detail)) return 'not subscribed';
  if (/larger than/i.test(detail)) return 'too large';
  return 'refused';
}
