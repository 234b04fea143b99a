// The chat client's newer features, rendered with ink-testing-library against a real server:
// who is online (watchlist), the bell, attachments (label, /file upload, save), $EDITOR,
// jump to the first unread, mark all read, mute and the help overlay.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RealtimeSettings } from '../../src/client/api.js';
import { connectRealtime } from '../../src/client/realtime.js';
import { App } from '../../src/tui/App.js';
import { KEY_TABLE } from '../../src/tui/help.js';
import { BELL } from '../../src/tui/notify.js';
import { historyOf, rowOf, tinyPng, upload } from '../helpers/flows.js';
import { connected } from '../helpers/realtime.js';
import { api, sendText, startConversation, type TestServer, type TestUser } from '../helpers/server.js';
import { chatHarness, renderChat } from './chat-harness.js';
import { eventually, KEYS, listRow, paneText, selectConversation, sleep, waitForFrame, waitForPane } from './helpers.js';

const SIZE = { columns: 110, rows: 30 };
const ESC = '\u001b';

describe('chatctl chat features (Ink, real server)', { timeout: 40_000 }, () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let bobChat: number;
  let carolChat: number;
  let dir: string;

  chatHarness(async (world) => {
    ({ server, ann, bob, carol } = world);
    carolChat = await startConversation(server, carol, ann);
    await sendText(server, carol, carolChat, 'Carol says hi');
    bobChat = await startConversation(server, bob, ann);
    await sendText(server, bob, bobChat, 'Bob was here');
    dir = mkdtempSync(join(tmpdir(), 'chatctl-features-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function openChat(user: TestUser, chat: Parameters<typeof App>[0]['chat'] = {}) {
    return renderChat(<App server={server.url} token={user.token} size={SIZE} colors={false} chat={{ downloadDir: dir, ...chat }} />);
  }

  /** Bob's own pusher-js connection, signed in: he is online while it lasts. */
  async function online(user: TestUser) {
    const settings = (await api(server, 'GET', '/api/chat/realtime')).body.data as RealtimeSettings;
    const client = connectRealtime(settings, user.token);
    client.signin();
    await connected(client);
    await client.user.signinDonePromise;
    return client;
  }

  it('shows a presence dot per partner and "online" / "last seen" in the header', async () => {
    const app = await openChat(ann);
    await waitForFrame(app.lastFrame, (f) => /○ Bob/.test(listRow(f, 'Bob')) && /○ Carol/.test(listRow(f, 'Carol')));
    const bobs = await online(bob);
    try {
      const shown = await waitForFrame(app.lastFrame, (f) => /● Bob/.test(listRow(f, 'Bob')));
      expect(listRow(shown, 'Carol')).toMatch(/○ Carol/);
      await selectConversation(app, 'Bob');
      app.stdin.write(KEYS.enter);
      await waitForPane(app.lastFrame, 'Bob · online');
    } finally {
      bobs.disconnect();
    }
    await waitForFrame(app.lastFrame, (f) => /○ Bob/.test(listRow(f, 'Bob')) && paneText(f).includes('Bob · last seen just now'));
  });

  it('rings the bell for a message in another conversation, not for the open one, not when muted', async () => {
    const app = await openChat(ann, { notify: 'bell' });
    await selectConversation(app, 'Bob');
    app.stdin.write(KEYS.enter);
    await waitForPane(app.lastFrame, 'Bob was here');
    const bells = () => app.frames.filter((f) => f.startsWith(BELL)).length;
    await sendText(server, bob, bobChat, 'in the open conversation');
    await waitForPane(app.lastFrame, 'in the open conversation');
    await sleep(200);
    expect(bells()).toBe(0);
    await sendText(server, carol, carolChat, 'elsewhere');
    await eventually(() => bells() === 1, 'the bell');
    // m on Carol's row mutes her: the next message rings nothing
    app.stdin.write(KEYS.tab);
    await selectConversation(app, 'Carol');
    app.stdin.write('m');
    await waitForFrame(app.lastFrame, 'Carol: notifications muted');
    expect(listRow(app.frame(), 'Carol')).toContain('muted');
    await sendText(server, carol, carolChat, 'muted now');
    await waitForFrame(app.lastFrame, 'muted now');
    await sleep(200);
    expect(bells()).toBe(1);
  });

  it('never notifies for my own messages, and not at all with --notify off', async () => {
    const app = await openChat(ann, { notify: 'off' });
    await sendText(server, carol, carolChat, 'quiet please');
    await waitForFrame(app.lastFrame, 'quiet please');
    await sendText(server, ann, carolChat, 'my own');
    await waitForFrame(app.lastFrame, 'You: my own');
    await sleep(200);
    expect(app.frames.some((f) => f.includes(BELL))).toBe(false);
  });

  it('labels attachments, sends one with /file (Tab completes the path) and saves the selected one with s', async () => {
    const png = tinyPng();
    const res = await upload(server, bob, bobChat, { file: { bytes: png, name: 'pixel.png', mime: 'image/png' } });
    expect(res.status).toBe(201);
    const notes = join(dir, 'notes-for-bob.txt');
    writeFileSync(notes, 'x'.repeat(120 * 1024));
    const app = await openChat(ann);
    await selectConversation(app, 'Bob');
    app.stdin.write(KEYS.enter);
    await waitForPane(app.lastFrame, `[image: pixel.png ${png.length} B]`);
    // Ctrl-O starts a /file line; Tab completes the path
    app.stdin.write('\u000f');
    await waitForPane(app.lastFrame, '› /file');
    app.stdin.write(`${dir}/notes-f`);
    app.stdin.write(KEYS.tab);
    await waitForPane(app.lastFrame, `/file ${notes}`);
    app.stdin.write(KEYS.enter);
    await waitForPane(app.lastFrame, /\[file: notes-for-bob\.txt 120 KB\] +✓/);
    const stored = (await historyOf(server, bob, bobChat)).at(-1);
    expect(stored).toMatchObject({ type: 'file', attachment: { name: 'notes-for-bob.txt', size: 120 * 1024 } });
    // Alt-↑ selects the newest attachment, Alt-↑ again the image; s saves it
    app.stdin.write(`${ESC}${ESC}[A`);
    await waitForFrame(app.lastFrame, 's save · o open');
    app.stdin.write(`${ESC}${ESC}[A`);
    await sleep(100);
    app.stdin.write('s');
    await waitForFrame(app.lastFrame, /saved .*pixel\.png/);
    expect(readFileSync(join(dir, 'pixel.png'))).toEqual(png);
    // never over an existing file
    app.stdin.write('s');
    await waitForFrame(app.lastFrame, /saved .*pixel \(1\)\.png/);
    expect(readdirSync(dir).filter((n) => n.startsWith('pixel')).sort()).toEqual(['pixel (1).png', 'pixel.png']);
  });

  it('Ctrl-E writes the message in $EDITOR and brings the text back into the compose box', async () => {
    const editor = join(dir, 'fake-editor.sh');
    writeFileSync(editor, '#!/bin/sh\n# appends to what was written, as a person in an editor would\nprintf "%s, and more from the editor\\nsecond line" "$(cat "$1")" > "$1"\n');
    chmodSync(editor, 0o755);
    const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
    delete process.env.VISUAL;
    process.env.EDITOR = editor;
    try {
      const app = await openChat(ann);
      await selectConversation(app, 'Bob');
      app.stdin.write(KEYS.enter);
      await waitForPane(app.lastFrame, 'Bob was here');
      app.stdin.write('started here');
      await waitForPane(app.lastFrame, '› started here');
      app.stdin.write('\u0005'); // Ctrl-E
      await waitForPane(app.lastFrame, 'started here, and more from the editor');
      expect(paneText(app.frame())).toContain('second line');
      app.stdin.write(KEYS.enter);
      await waitForPane(app.lastFrame, /second line +✓/);
      expect((await historyOf(server, bob, bobChat)).at(-1).message).toBe('started here, and more from the editor\nsecond line');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('u jumps to the first unread conversation; a marks everything read', async () => {
    await sendText(server, carol, carolChat, 'unread from Carol');
    await sendText(server, bob, bobChat, 'unread from Bob');
    const app = await openChat(ann);
    await selectConversation(app, 'Bob'); // the newest; u picks the first unread in the list
    await historyOf(server, ann, bobChat); // Bob's is read now
    app.stdin.write('u');
    await waitForFrame(app.lastFrame, (f) => !f.includes('Conversations') || /Carol/.test(paneText(f)));
    expect(paneText(await waitForPane(app.lastFrame, 'unread from Carol'))).toContain('── new ──');
    expect((await rowOf(server, ann, carolChat)).unread_count).toBe(0);
    await sendText(server, bob, bobChat, 'one more from Bob');
    await sendText(server, carol, carolChat, 'and from Carol');
    app.stdin.write(KEYS.escape); // back to the list, closing the conversation
    app.stdin.write(KEYS.escape);
    await waitForFrame(app.lastFrame, (f) => /\(1\)/.test(listRow(f, 'Bob')));
    app.stdin.write('a');
    await waitForFrame(app.lastFrame, /marked \d conversations? read/);
    await eventually(async () => (await rowOf(server, ann, bobChat)).unread_count === 0 && (await rowOf(server, ann, carolChat)).unread_count === 0, 'all read on the server');
  });

  it('? shows every key binding (the --help table); Esc closes it', async () => {
    const app = await openChat(ann);
    app.stdin.write('?');
    const shown = await waitForFrame(app.lastFrame, 'Keys — Esc or ? closes this');
    for (const [keys, what] of KEY_TABLE) expect(shown).toMatch(new RegExp(`${keys.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +${what.slice(0, 30).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(shown).not.toContain('Conversations');
    app.stdin.write(KEYS.escape);
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations') && !f.includes('Keys — '));
  });
});
