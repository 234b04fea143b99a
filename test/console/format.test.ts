// The console's line format: exact lines per kind, colour only when asked, and hostile text
// (escape sequences in channel names or payloads, from any client) made harmless.
import { describe, expect, it } from 'vitest';
import { makeMatcher } from '../../src/cli/console-filter.js';
import { formatEvent } from '../../src/cli/console-format.js';
import type { DebugEvent } from '../../src/server/observability/events.js';

const at = '2026-12-01T23:41:07.123Z';
const plain = { color: false, payload: true };

describe('console lines', () => {
  it('a refused subscription, a publish and a failed trigger, exactly', () => {
    const refused: DebugEvent = {
      kind: 'subscription.refused', at, via: 'auth-endpoint', socket_id: '1.2', user_id: '3',
      channel: 'private-conversation.1', reason: 'not a participant', detail: 'user 3 is not in conversation 1', status: 403,
    };
    expect(formatEvent(refused, plain)).toBe(
      '23:41:07.123 refused     private-conversation.1 socket 1.2 user 3: not a participant (user 3 is not in conversation 1) [403 at /broadcasting/auth]',
    );
    const publish: DebugEvent = {
      kind: 'publish', at, origin: 'app', driver: 'embedded', channels: ['private-conversation.1'], event: 'message.sent',
      bytes: 12, recipients: 1, excluded_socket_id: '4.5', payload: '{"message":"hi"}',
    };
    expect(formatEvent(publish, plain)).toBe('23:41:07.123 publish     private-conversation.1 message.sent 12 B → 1 socket (excluded 4.5)  {"message":"hi"}');
    expect(formatEvent(publish, { color: false, payload: false })).toBe('23:41:07.123 publish     private-conversation.1 message.sent 12 B → 1 socket (excluded 4.5)');
    expect(formatEvent({ ...publish, driver: 'null', recipients: null }, { color: false, payload: false })).toBe(
      '23:41:07.123 publish     private-conversation.1 message.sent 12 B not delivered (BROADCAST_DRIVER=null) (excluded 4.5)',
    );
    const trigger: DebugEvent = {
      kind: 'trigger', at, host: 'https://api-eu.pusher.com', channels: ['private-user.2'], event: 'conversation.updated',
      bytes: 200, ok: false, status: null, ms: 5000, error: 'The user aborted a request.',
    };
    expect(formatEvent(trigger, plain)).toBe(
      '23:41:07.123 trigger     private-user.2 conversation.updated 200 B → https://api-eu.pusher.com no answer in 5000 ms: The user aborted a request.',
    );
  });

  it('colour by kind only when asked; heartbeats print nothing', () => {
    const closed: DebugEvent = { kind: 'connection.closed', at, socket_id: '1.2', code: 4201, meaning: 'pong not received in time', cause: 'no activity (pong timeout)' };
    expect(formatEvent(closed, { color: true, payload: true })).toBe(
      '\u001b[2m23:41:07.123\u001b[0m \u001b[33mdisconnect \u001b[0m 1.2 4201 pong not received in time: no activity (pong timeout)',
    );
    expect(formatEvent({ kind: 'heartbeat', at }, plain)).toBeUndefined();
  });

  it('escape sequences and newlines from clients never reach the terminal; long payloads are cut to the width', () => {
    const hostile: DebugEvent = {
      kind: 'client-event', at, socket_id: '1.2', channel: 'private-x\u001b]0;pwned\u0007', event: 'client-\u001b[2Jx',
      bytes: 30, recipients: 0, payload: `"line1\\nline2 \u001b[31mred\u202e ${'y'.repeat(500)}"`,
    };
    const line = formatEvent(hostile, { color: false, payload: true, width: 120 }) ?? '';
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(line).toContain('private-x\uFFFD]0;pwned\uFFFD client-\uFFFD[2Jx');
    expect(Array.from(line).length).toBeLessThanOrEqual(120);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('console filters', () => {
  const publish = (channel: string, event: string): DebugEvent => ({
    kind: 'publish', at, origin: 'app', driver: 'embedded', channels: [channel], event, bytes: 1, recipients: 0,
  });
  const opened: DebugEvent = { kind: 'connection.opened', at, socket_id: '1.2', protocol: 7 };

  it('--channel globs, --event names, --user ids, all together', () => {
    const conversations = makeMatcher({ channel: 'private-conversation.*' });
    expect(conversations(publish('private-conversation.12', 'message.sent'))).toBe(true);
    expect(conversations(publish('private-user.12', 'conversation.updated'))).toBe(false);
    expect(conversations(opened)).toBe(false);
    expect(makeMatcher({ channel: 'private-conversation.?' })(publish('private-conversation.12', 'x'))).toBe(false);
    expect(makeMatcher({ channel: 'private-conversation.1' })(publish('private-conversation.12', 'x'))).toBe(false);

    expect(makeMatcher({ event: 'message.*' })(publish('c', 'message.read'))).toBe(true);
    expect(makeMatcher({ event: 'message.sent' })(publish('c', 'message.read'))).toBe(false);

    const user3 = makeMatcher({ user: '3' });
    expect(user3(publish('private-user.3', 'conversation.updated'))).toBe(true);
    expect(user3(publish('private-user.33', 'conversation.updated'))).toBe(false);
    expect(user3({ kind: 'subscription.succeeded', at, socket_id: '1.2', user_id: '3', channel: 'private-conversation.1' })).toBe(true);
    expect(user3({ kind: 'subscription.succeeded', at, socket_id: '1.2', user_id: '4', channel: 'private-conversation.1' })).toBe(false);

    const both = makeMatcher({ channel: 'private-user.*', event: 'conversation.created' });
    expect(both(publish('private-user.3', 'conversation.created'))).toBe(true);
    expect(both(publish('private-user.3', 'conversation.updated'))).toBe(false);
    expect(both({ kind: 'console.dropped', at, buffered_bytes: 1 })).toBe(true);
  });
});
