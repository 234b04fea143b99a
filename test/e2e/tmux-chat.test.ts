// `chatctl chat` end to end in a real terminal: the built binary runs inside tmux against a real
// server; keys go in with `tmux send-keys`, the screen comes back with `tmux capture-pane`.
// Needs tmux (CI installs it) and a build (npm test builds first).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeSettings } from '../../src/client/api.js';
import { connectRealtime } from '../../src/client/realtime.js';
import { runCli } from '../helpers/cli.js';
import { historyOf } from '../helpers/flows.js';
import { connected } from '../helpers/realtime.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const run = promisify(execFile);
/** The launcher under test (CHATCTL_TEST_BIN points it at another build). */
const CHATCTL = process.env.CHATCTL_TEST_BIN ?? fileURLToPath(new URL('../../bin/chatctl', import.meta.url));
const SOCKET = `chatctl-test-${process.pid}`;
const SESSION = 'chat';

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

function tmuxInstalled(): boolean {
  return !spawnSync('tmux', ['-V']).error;
}

/** tmux on this test's own server (no user config), so nothing else is touched. */
async function tmux(...args: string[]): Promise<string> {
  const { stdout } = await run('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args]);
  return stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);

/** Set once the test knows where the command's exit code and stderr go. */
let files: { exit: string; stderr: string } | undefined;

function ended(): string | null {
  if (!files || !existsSync(files.exit)) return null;
  const code = readFileSync(files.exit, 'utf8').trim();
  if (code === '') return null; // being written
  const stderr = existsSync(files.stderr) ? readFileSync(files.stderr, 'utf8') : '';
  return `chatctl chat exited with ${code}; stderr: ${stderr.trim() || '(empty)'}`;
}

async function waitForScreen(match: RegExp, timeoutMs = 15_000): Promise<string> {
  const start = Date.now();
  let last = '';
  for (;;) {
    const exited = ended();
    if (exited) throw new Error(`waiting for ${match}: ${exited}`);
    last = await screen().catch((error: Error) => `(capture failed: ${error.message})`);
    if (match.test(last)) return last;
    if (Date.now() - start > timeoutMs) throw new Error(`the screen never matched ${match} within ${timeoutMs} ms; it shows:\n${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts `chatctl chat` in the tmux session: `env` (shell assignments) before it, `args` after it,
 * its stderr and exit code in `<name>-stderr` and `<name>-exit` under `dir`, which `ended` watches.
 */
async function startChat(dir: string, name: string, env: string[], args: string[]): Promise<{ exit: string; stderr: string }> {
  const started = { exit: join(dir, `${name}-exit`), stderr: join(dir, `${name}-stderr`) };
  files = started;
  const command = [...env, quote(CHATCTL), 'chat', ...args, `2>${quote(started.stderr)};`, `echo $? > ${quote(started.exit)}`].join(' ');
  await tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '35', command);
  return started;
}

/** Waits until the command started by `startChat` has written its exit code. */
async function waitForExit(what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!ended()) {
    if (Date.now() - start > timeoutMs) throw new Error(`chatctl chat ${what}; the screen shows:\n${await screen().catch(() => '(gone)')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs chatctl without a terminal (pipes), as a script would. */
const chatctl = (args: string[], env: Record<string, string>) => runCli(args, { env, bin: CHATCTL });

describe('chatctl chat in tmux (end to end)', { timeout: 60_000 }, () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversation: number;
  let carolChat: number;
  let dir: string;

  beforeAll(async () => {
    if (!tmuxInstalled()) {
      throw new Error('tmux is not installed, so the terminal end-to-end test cannot run: install it (apt-get install tmux, brew install tmux).');
    }
    if (!existsSync(fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url)))) {
      throw new Error('dist/ is missing: run npm run build first (npm test does).');
    }
    server = await startTestServer();
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    carol = await registerUser(server, 'Carol');
    carolChat = await startConversation(server, carol, ann);
    conversation = await startConversation(server, bob, ann);
    await sendText(server, bob, conversation, 'hello from Bob over HTTP');
    dir = mkdtempSync(join(tmpdir(), 'chatctl-tmux-'));
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('in a pipe: one sentence on stderr, exit 2 (usage), no screen, whatever the token and server', async () => {
    const env = { CHATCTL_CONFIG_DIR: join(dir, 'empty-config') };
    const sentence = 'chatctl: chatctl chat needs an interactive terminal; from scripts use chatctl messages, send and listen.\n';
    for (const args of [
      ['--server', server.url],
      ['--server', server.url, '--token', 'nope'],
      ['--server', 'http://127.0.0.1:9', '--token', ann.token],
      ['--server', server.url, '--token', ann.token],
    ]) {
      expect(await chatctl(['chat', ...args], env)).toEqual({ code: 2, stdout: '', stderr: sentence });
    }
  });

  it('in a terminal, an unreachable server with a token is one sentence before any screen (exit 4)', async () => {
    const { exit: exitFile, stderr } = await startChat(dir, 'unreachable', [`CHATCTL_CONFIG_DIR=${quote(join(dir, 'empty-config'))}`], ['--server', 'http://127.0.0.1:9', '--token', quote(ann.token)]);
    await waitForExit('did not end');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('4');
    expect(readFileSync(stderr, 'utf8')).toMatch(/^chatctl: Cannot reach http:\/\/127\.0\.0\.1:9 \(.+\); is chatctl serve running\?\n$/);
  });

  it('opens the conversation, sends, receives live, and quits with Ctrl-C (exit 0)', async () => {
    const { exit: exitFile, stderr } = await startChat(dir, 'chat', [`CHATCTL_CONFIG_DIR=${quote(join(dir, 'config'))}`], ['--server', quote(server.url), '--token', quote(ann.token)]);

    const first = await waitForScreen(/● connected/);
    expect(first).toContain('Conversations (2)');
    expect(first).toMatch(/○ Bob +\(1\)/); // one unread, offline
    expect(first).toMatch(/○ Carol /);

    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitForScreen(/Bob +hello from Bob over HTTP/);

    await tmux('send-keys', '-t', SESSION, '-l', 'typed in tmux');
    await waitForScreen(/› typed in tmux/);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitForScreen(/You +typed in tmux +✓/);
    const stored = (await historyOf(server, bob, conversation)).filter((m) => m.message === 'typed in tmux');
    expect(stored).toHaveLength(1);
    expect(stored[0].sender_id).toBe(ann.id);

    await sendText(server, bob, conversation, 'a reply from Bob, live');
    const live = await waitForScreen(/Bob +a reply from Bob, live/);
    expect(live).toMatch(/typed in tmux +✓✓/); // Bob read it when he fetched the history

    // Carol comes online (pusher:signin with her own watchlist): her dot lights up in Ann's list
    const settings = (await api(server, 'GET', '/api/chat/realtime')).body.data as RealtimeSettings;
    const carolOnline = connectRealtime(settings, carol.token);
    try {
      carolOnline.signin();
      await connected(carolOnline);
      await waitForScreen(/● Carol /);
      // a message in the other conversation rings the bell (Bob's is open)
      const bell = async () => (await tmux('display-message', '-p', '-t', SESSION, '#{window_bell_flag}')).trim();
      expect(await bell()).toBe('0');
      await sendText(server, carol, carolChat, 'ping from Carol');
      await waitForScreen(/Carol +\(1\)/);
      const start = Date.now();
      while ((await bell()) !== '1') {
        if (Date.now() - start > 10_000) throw new Error('the terminal bell never rang');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      carolOnline.disconnect();
    }
    await waitForScreen(/○ Carol /);

    await tmux('send-keys', '-t', SESSION, 'C-c');
    await waitForExit('did not exit after Ctrl-C');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    // nothing but terminal control sequences (the cursor shown again) on stderr: no error
    // eslint-disable-next-line no-control-regex
    expect(readFileSync(stderr, 'utf8').replace(/\u001b\[[\d;?]*[A-Za-z]/g, '')).toBe('');
    // the shell ended with it, and so did the session
    await expect(tmux('has-session', '-t', SESSION)).rejects.toThrow();
  });

  it('in a terminal, a refused token opens the login screen with one line saying why (not an error)', async () => {
    const { exit: exitFile } = await startChat(dir, 'refused', [`CHATCTL_CONFIG_DIR=${quote(join(dir, 'refused-config'))}`], ['--server', quote(server.url), '--token', 'revoked-or-made-up']);
    const form = await waitForScreen(/Log in to chat/);
    expect(form).toContain('The server refused the token from --token. Log in instead.');
    await tmux('send-keys', '-t', SESSION, 'C-c');
    await waitForExit('did not exit after Ctrl-C on the login screen');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
  });

  it('with no profile at all: logs in through the form, sends a message, and the login is saved', async () => {
    const home = join(dir, 'fresh-home');
    const config = join(home, 'config');
    // Nothing but a server address: an empty HOME and config folder, the server from CHATCTL_SERVER.
    const { exit: exitFile } = await startChat(dir, 'fresh', [`HOME=${quote(home)}`, `CHATCTL_CONFIG_DIR=${quote(config)}`, `CHATCTL_SERVER=${quote(server.url)}`], []);
    const form = await waitForScreen(/Log in to chat/);
    expect(form).toMatch(new RegExp(`Server +${server.url.replace(/[.]/g, '\\.')}`));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the form's keys are live once drawn

    await tmux('send-keys', '-t', SESSION, '-l', ann.email);
    await tmux('send-keys', '-t', SESSION, 'Tab');
    await tmux('send-keys', '-t', SESSION, '-l', 'secret-password');
    await waitForScreen(/Password +•{15}/);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    const listed = await waitForScreen(/● connected/);
    expect(listed).toContain('Conversations (2)');
    expect(listed).toMatch(/› ○ Carol .*\n.*\n.* ○ Bob /); // Carol's message of the test before is the newest

    await tmux('send-keys', '-t', SESSION, 'Down');
    await waitForScreen(/› ○ Bob /);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitForScreen(/Bob +a reply from Bob, live/);
    await tmux('send-keys', '-t', SESSION, '-l', 'sent after logging in');
    await waitForScreen(/› sent after logging in/);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitForScreen(/You +sent after logging in +✓/);
    const stored = (await historyOf(server, bob, conversation)).filter((m) => m.message === 'sent after logging in');
    expect(stored).toHaveLength(1);
    expect(stored[0].sender_id).toBe(ann.id);

    const profile = join(config, 'chatctl.json');
    expect(statSync(profile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ server: server.url, user: { id: ann.id, email: ann.email } });

    await tmux('send-keys', '-t', SESSION, 'C-c');
    await waitForExit('did not exit after Ctrl-C');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    await expect(tmux('has-session', '-t', SESSION)).rejects.toThrow();
  });
});
