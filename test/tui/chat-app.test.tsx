// The chat client rendered with ink-testing-library against a real chatctl server and the real
// client modules (HTTP through undici, real-time through pusher-js): what the user sees, and what
// the server stored.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ChatApi } from '../../src/client/api.js';
import { connectRealtime } from '../../src/client/realtime.js';
import { App } from '../../src/tui/App.js';
import { loadBootstrap } from '../../src/tui/session.js';
import { conversationsOf, historyOf, rowOf } from '../helpers/flows.js';
import { collect, pusherClient, realtimeConfig, subscribed, waitFor } from '../helpers/realtime.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { chatHarness, renderChat } from './chat-harness.js';
import { eventually, KEYS, listRow, listRows, paneText, selectConversation, sleep, startProxy, startRelay, waitForFrame, waitForPane } from './helpers.js';

const SIZE = { columns: 100, rows: 30 };

// Waits are up to 10 s each (a loaded CI machine); a test may hold a few of them.
describe('chatctl chat (Ink, real server)', { timeout: 40_000 }, () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let bobChat: number;
  let carolChat: number;

  chatHarness(async (world) => {
    ({ server, ann, bob, carol } = world);
    carolChat = await startConversation(server, ann, carol);
    await sendText(server, carol, carolChat, 'Hi Ann, Carol here');
    bobChat = await startConversation(server, bob, ann);
    await sendText(server, ann, bobChat, 'an old one from Ann');
    await sendText(server, bob, bobChat, 'first from Bob');
    await sendText(server, bob, bobChat, 'second from Bob');
  });

  /** Renders the chat as `user` and waits until the list is on screen and real-time is connected. */
  async function openChat(user: TestUser, options: { server?: string; bootstrapFrom?: string; wsPort?: number } = {}) {
    let quits = 0;
    const bootstrap = options.bootstrapFrom ? await loadBootstrap(new ChatApi(options.bootstrapFrom, user.token)) : undefined;
    const { wsPort } = options;
    // The real pusher-js client; only its port changes when the test relays the WebSocket.
    const connect = wsPort ? (settings: Parameters<typeof connectRealtime>[0], token: string) => connectRealtime({ ...settings, ws_port: wsPort }, token) : undefined;
    const app = await renderChat(
      <App server={options.server ?? server.url} token={user.token} bootstrap={bootstrap} size={SIZE} colors={false} connect={connect} onQuit={() => quits++} />,
    );
    return { ...app, quits: () => quits };
  }

  /** Selects the conversation with `name` and opens it; resolves once its history is on screen. */
  async function openConversation(app: Awaited<ReturnType<typeof openChat>>, name: string, shows: string | RegExp) {
    await selectConversation(app, name);
    app.stdin.write(KEYS.enter);
    await waitForPane(app.lastFrame, shows);
  }

  it('lists the conversations with unread counts and previews, newest first', async () => {
    const { frame } = await openChat(ann);
    const shown = frame();
    expect(listRow(shown, 'Bob')).toMatch(/Bob +\(2\) now/);
    expect(listRow(shown, 'Carol')).toMatch(/Carol +\(1\) now/);
    expect(shown).toContain('second from Bob'); // the preview
    const rows = listRows(shown);
    expect(rows.map((r) => r.line.includes('Bob'))).toEqual([true, false]); // newest first
    expect(rows[0]!.selected).toBe(true);
    expect(shown).toContain('● connected');
  });

  it('opens a conversation with Enter: history, the new marker, and it is read on the server', async () => {
    const app = await openChat(ann);
    await selectConversation(app, 'Bob');
    app.stdin.write(KEYS.enter);
    const shown = await waitForFrame(app.lastFrame, (f) => f.includes('second from Bob') && f.includes('── new ──') && f.includes('an old one'));
    const lines = shown.split('\n');
    const marker = lines.findIndex((l) => l.includes('── new ──'));
    expect(lines[marker - 1]).toContain('an old one from Ann');
    expect(lines[marker + 1]).toContain('first from Bob');
    expect(listRow(shown, 'Bob')).not.toContain('(2)');
    expect((await rowOf(server, ann, bobChat)).unread_count).toBe(0);
  });

  it('sends what is typed on Enter: shown once, confirmed, stored once, sent without an echo', async () => {
    const app = await openChat(ann);
    const { stdin, lastFrame } = app;
    await openConversation(app, 'Bob', 'second from Bob');
    stdin.write('hello Bob, from the terminal');
    await waitForPane(lastFrame, '› hello Bob, from the terminal');
    stdin.write(KEYS.enter);
    const shown = await waitForPane(lastFrame, /hello Bob, from the terminal +✓/);
    expect(paneText(shown).match(/hello Bob, from the terminal/g)).toHaveLength(1);
    expect(shown).not.toContain('sending…');
    const stored = (await historyOf(server, bob, bobChat)).filter((m) => m.message === 'hello Bob, from the terminal');
    expect(stored).toHaveLength(1);
    expect(stored[0].sender_id).toBe(ann.id);
    // the compose line is empty again
    expect(shown).toContain('Write a message…');
  });

  it('keeps the lines of a multi-line message (Alt-Enter and a pasted chunk)', async () => {
    const app = await openChat(ann);
    const { stdin, lastFrame } = app;
    await openConversation(app, 'Bob', 'second from Bob');
    stdin.write('line one');
    stdin.write(KEYS.altEnter);
    stdin.write('line two\rline three'); // a paste: the break is part of the text
    await waitForPane(lastFrame, 'line three');
    stdin.write(KEYS.enter);
    await waitForPane(lastFrame, /line three +✓/);
    const stored = (await historyOf(server, bob, bobChat)).at(-1);
    expect(stored.message).toBe('line one\nline two\nline three');
  });

  it('shows a message the other side sends, live, and marks it read', async () => {
    const app = await openChat(ann);
    const { lastFrame } = app;
    await openConversation(app, 'Bob', 'second from Bob');
    await sendText(server, bob, bobChat, 'live from Bob');
    const shown = await waitForPane(lastFrame, /Bob +live from Bob/);
    expect(paneText(shown).match(/live from Bob/g)).toHaveLength(1);
    await waitForFrame(lastFrame, (f) => listRow(f, 'Bob') !== '' && !listRow(f, 'Bob').includes('(')); // read: no badge
    await eventually(async () => (await rowOf(server, ann, bobChat)).unread_count === 0, 'Ann to have read it');
  });

  it('updates the list live: a message in another conversation raises its unread count', async () => {
    const { lastFrame } = await openChat(ann);
    await sendText(server, carol, carolChat, 'ping from Carol');
    const shown = await waitForFrame(lastFrame, 'ping from Carol');
    expect(listRow(shown, 'Carol')).toMatch(/\(\d+\)/);
    expect(listRows(shown)[0]!.line).toContain('Carol'); // moved to the top
  });

  it('shows "Bob is typing…" from a client-typing whisper, and whispers while Ann types', async () => {
    const app = await openChat(ann);
    const { stdin, lastFrame } = app;
    await openConversation(app, 'Bob', 'second from Bob');
    const bobSocket = pusherClient(await realtimeConfig(server), bob.token);
    try {
      const channel = await subscribed(bobSocket, `private-conversation.${bobChat}`);
      const heard = collect(channel, 'client-typing');
      // Ann's subscription may still be on its way: whisper until it shows.
      await waitForFrame(lastFrame, (f) => {
        if (f.includes('Bob is typing…')) return true;
        channel.trigger('client-typing', { user_id: bob.id, name: 'Bob', typing: true });
        return false;
      });
      const typingSince = Date.now();
      stdin.write('h');
      stdin.write('i');
      await waitFor(heard, 1, 10_000);
      expect(heard[0]).toMatchObject({ user_id: ann.id });
      await sleep(300);
      stdin.write('!');
      await sleep(300);
      // at most one whisper per 2 s of typing
      expect(heard.length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - typingSince) / 2000));
    } finally {
      bobSocket.disconnect();
    }
  });

  it('shows "✓✓ read" on own messages when the other side reads them', async () => {
    const app = await openChat(ann);
    const { stdin, lastFrame } = app;
    await openConversation(app, 'Bob', 'second from Bob');
    stdin.write('please read this');
    stdin.write(KEYS.enter);
    await waitForPane(lastFrame, /please read this +✓ sent/);
    await historyOf(server, bob, bobChat); // Bob reads
    await waitForPane(lastFrame, /please read this +✓✓ read/);
  });

  it('a send whose reply is lost says "failed — press r to retry"; r resends with the same Idempotency-Key, stored once', async () => {
    const proxy = await startProxy(server.url);
    try {
      const app = await openChat(ann, { server: proxy.url, bootstrapFrom: server.url });
      const { stdin, lastFrame } = app;
      await openConversation(app, 'Carol', 'Hi Ann, Carol here');
      // Carol's whisper arrives only once Ann is subscribed (and has caught up over HTTP).
      const carolSocket = pusherClient(await realtimeConfig(server), carol.token);
      try {
        const channel = await subscribed(carolSocket, `private-conversation.${carolChat}`);
        await waitForFrame(lastFrame, (f) => {
          if (f.includes('Carol is typing…')) return true;
          channel.trigger('client-typing', { user_id: carol.id });
          return false;
        });
      } finally {
        carolSocket.disconnect();
      }
      proxy.mode = 'drop-reply';
      stdin.write('through a flaky network');
      stdin.write(KEYS.enter);
      await waitForPane(lastFrame, /through a flaky network +failed — press r to retry/);
      proxy.mode = 'pass';
      stdin.write('r');
      const shown = await waitForPane(lastFrame, /through a flaky network +✓/);
      expect(paneText(shown).match(/through a flaky network/g)).toHaveLength(1);
      expect(proxy.seen).toHaveLength(2);
      expect(proxy.seen[0]!.idempotencyKey).toBeTruthy();
      expect(proxy.seen[1]!.idempotencyKey).toBe(proxy.seen[0]!.idempotencyKey);
      expect(proxy.seen[0]!.socketId).toMatch(/^\d+\.\d+$/); // X-Socket-ID: no echo to this connection
      const stored = (await historyOf(server, carol, carolChat)).filter((m) => m.message === 'through a flaky network');
      expect(stored).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('Ctrl-N finds a person by name and starts the conversation', async () => {
    const dave = await registerUser(server, 'Dave Newman');
    const { stdin, lastFrame } = await openChat(ann);
    stdin.write(KEYS.ctrlN);
    await waitForFrame(lastFrame, 'New conversation');
    stdin.write('Dave');
    await waitForFrame(lastFrame, '› Dave Newman');
    stdin.write(KEYS.enter);
    const shown = await waitForFrame(lastFrame, (f) => f.includes('No messages yet') && f.includes('Dave Newman'));
    expect(shown).toContain('Conversations (3)');
    const rows = await conversationsOf(server, ann);
    expect(rows.some((r) => r.other_user.id === dave.id)).toBe(true);
    stdin.write('hi Dave');
    stdin.write(KEYS.enter);
    await waitForPane(lastFrame, /hi Dave +✓/);
  });

  it('scrolls back with PgUp (loading older pages), keeps still when new messages arrive, End jumps to the latest', async () => {
    const erin = await registerUser(server, 'Erin');
    const chat = await startConversation(server, erin, ann);
    for (let i = 1; i <= 120; i++) {
      await api(server, 'POST', `/api/chat/conversations/${chat}/messages`, { token: erin.token, json: { message: `erin ${String(i).padStart(3, '0')}` } });
    }
    const app = await openChat(ann);
    const { stdin, lastFrame } = app;
    await openConversation(app, 'Erin', /Erin erin \d{3}/);
    stdin.write(KEYS.end); // read it all: no new marker in the way
    await waitForFrame(lastFrame, (f) => {
      if (f.includes('erin 001') && f.includes('start of the conversation')) return true;
      stdin.write(KEYS.pageUp);
      return false;
    }, 15_000);
    expect(lastFrame()).toMatch(/lines? up/);
    expect(lastFrame()).not.toContain('Erin erin 120');
    await sendText(server, erin, chat, 'erin live while scrolled');
    const scrolled = await waitForPane(lastFrame, '1 new message ↓');
    expect(scrolled).toContain('erin 001'); // the view did not move
    expect(paneText(scrolled)).not.toContain('erin live while scrolled');
    stdin.write(KEYS.end);
    const bottom = await waitForFrame(lastFrame, (f) => paneText(f).includes('Erin erin live while scrolled') && !f.includes('new message ↓'));
    expect(paneText(bottom)).not.toContain('erin 001');
    // every message was loaded once: 121 distinct ids in order on the server side
    expect((await historyOf(server, ann, chat, 'limit=200')).length).toBe(121);
  });

  it('after the connection drops and comes back: the badge follows pusher-js, and what was missed is backfilled', async () => {
    const relay = await startRelay(Number(new URL(server.url).port));
    try {
      const app = await openChat(ann, { wsPort: relay.port });
      await openConversation(app, 'Bob', 'second from Bob');
      relay.cut();
      await waitForFrame(app.lastFrame, /◌ connecting|○ unavailable|○ disconnected/);
      await sendText(server, bob, bobChat, 'sent while Ann was away');
      await sendText(server, carol, carolChat, 'Carol, also while Ann was away');
      await sleep(200);
      expect(paneText(app.frame())).not.toContain('sent while Ann was away');
      relay.restore();
      await waitForFrame(app.lastFrame, '● connected', 20_000);
      const shown = await waitForPane(app.lastFrame, /Bob +sent while Ann was away/);
      expect(paneText(shown).match(/sent while Ann was away/g)).toHaveLength(1);
      // the list was refreshed too
      await waitForFrame(app.lastFrame, (f) => f.includes('Carol, also while Ann') && /\(\d+\)/.test(listRow(f, 'Carol')));
    } finally {
      await relay.close();
    }
  });

  it('with a server that has no real-time driver: says so, and polls instead', async () => {
    const quiet = await startTestServer({ BROADCAST_DRIVER: 'null' });
    try {
      const [a, b] = [await registerUser(quiet, 'Ann'), await registerUser(quiet, 'Bob')];
      const chat = await startConversation(quiet, b, a);
      await sendText(quiet, b, chat, 'before');
      const app = render(<App server={quiet.url} token={a.token} size={SIZE} colors={false} />);
      await waitForFrame(app.lastFrame, '○ realtime off');
      await sleep(50);
      app.stdin.write(KEYS.enter);
      await waitForPane(app.lastFrame, /Bob +before/);
      await sendText(quiet, b, chat, 'polled, not pushed');
      await waitForPane(app.lastFrame, /Bob +polled, not pushed/, 15_000);
      app.unmount();
    } finally {
      await quiet.stop();
    }
  });

  it('Ctrl-C quits and closes the real-time connection', async () => {
    const connections = async () => (await api(server, 'GET', '/health')).body.data.realtime.connections as number;
    const { stdin, quits } = await openChat(ann);
    expect(await connections()).toBeGreaterThanOrEqual(1);
    stdin.write(KEYS.ctrlC);
    await eventually(() => quits() === 1, 'the quit callback');
    // every other client of this file is gone too, so none may remain
    await eventually(async () => (await connections()) === 0, 'the pusher connection to close');
  });
});
