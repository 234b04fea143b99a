// Ctrl-E: the message in $VISUAL / $EDITOR (as iamb does). The terminal is handed to the editor
// while it runs, and the text it leaves in the file comes back into the compose box.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/** The edited text (a final newline, as editors add one, removed), or an Error saying why not. */
export function editInEditor(text: string, env: NodeJS.ProcessEnv = process.env): string | Error {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-edit-'));
  const file = join(dir, 'message.txt');
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const editor = editorCommand(env);
    // Through the shell: EDITOR may carry arguments ("code --wait"); the file is passed as $1.
    const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'chatctl', file], { stdio: 'inherit', env });
    if (result.error) return new Error(`could not run ${editor}: ${result.error.message}`);
    if (result.status !== 0) return new Error(`${editor} exited with ${result.status ?? result.signal}; the message is unchanged`);
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
