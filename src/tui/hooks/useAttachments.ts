// Attachments of received messages: `s` saves the selected one (to --download-dir or the current
// folder, never over an existing file), `o` opens it with the system opener.
import { spawn } from 'node:child_process';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { useState } from 'react';
import { request } from 'undici';
import { describeError } from '../errors.js';
import type { ChatAction, ChatState } from '../state/chat.js';
import type { Store } from '../state/store.js';
import { formatSize } from '../state/attachments.js';

export interface Attachments {
  saveAttachment(): void;
  openAttachment(): void;
}

/** A file name from the server made safe for this disk: no folders, no control characters, not hidden. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_').replace(/^\.+/, '').trim();
  return base.slice(0, 200) || 'attachment';
}

/** The system's opener for a file, or null where there is none. */
export function systemOpener(platform: NodeJS.Platform = process.platform): { command: string; args: string[] } | null {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

/** Creates `dir/name`, or `name (1).ext`, `(2)`… when it exists: never overwrites. */
async function createFree(dir: string, name: string) {
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let i = 0; i < 1000; i++) {
    const path = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      return { path, handle: await open(path, 'wx', 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`too many files named like ${name} in ${dir}`);
}

export function useAttachments(store: Store<ChatState, ChatAction>, server: string, token: string, downloadDir: string): Attachments {
  const [attachments] = useState<Attachments>(() => {
    const say = (text: string, tone: 'error' | 'info' = 'error') => store.dispatch({ type: 'notice', notice: { text, tone } });
    const selected = () => {
      const current = store.getState().conversation;
      const message = current?.messages.find((m) => m.id === current.selectedId);
      if (!message?.attachment) say('select an attachment first: Alt-↑/Alt-↓', 'info');
      return message?.attachment ?? null;
    };
    const download = async (dir: string): Promise<{ path: string; size: number } | null> => {
      const attachment = selected();
      if (!attachment) return null;
      // Only the path is taken from the message: the token goes to our own server and nowhere else.
      const url = `${server.replace(/\/+$/, '')}${new URL(attachment.url, server).pathname}`;
      const response = await request(url, { headers: { authorization: `Bearer ${token}` }, headersTimeout: 10_000, bodyTimeout: 30_000 });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new Error(`the server answered ${response.statusCode}`);
      }
      const { path, handle } = await createFree(dir, safeFileName(attachment.name));
      await pipeline(response.body, handle.createWriteStream());
      return { path, size: attachment.size };
    };
    return {
      saveAttachment() {
        download(downloadDir).then(
          (saved) => saved && say(`saved ${saved.path} (${formatSize(saved.size)})`, 'info'),
          (error: unknown) => say(`could not save the attachment: ${describeError(error)}`),
        );
      },
      openAttachment() {
        const opener = systemOpener();
        if (!opener) return say('there is no system opener here; press s to save the file instead');
        mkdtemp(join(tmpdir(), 'chatctl-'))
          .then((dir) => download(dir))
          .then(
            (saved) => {
              if (!saved) return;
              const child = spawn(opener.command, [...opener.args, saved.path], { stdio: 'ignore', detached: true });
              child.on('error', () => say(`could not run ${opener.command}; the file is at ${saved.path}`));
              child.unref();
              say(`opening ${saved.path}`, 'info');
            },
            (error: unknown) => say(`could not open the attachment: ${describeError(error)}`),
          );
      },
    };
  });
  return attachments;
}
