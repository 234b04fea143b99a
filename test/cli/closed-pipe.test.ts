import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CHATCTL } from '../helpers/cli.js';

// `chatctl --help | head -1`: the reader closes the pipe after one line; chatctl must stop quietly.
function helpIntoClosedPipe(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHATCTL, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.destroy(); // the reader is gone before chatctl writes
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it('ends chatctl quietly: no EPIPE stack trace, exit 0', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await helpIntoClosedPipe()).toEqual({ code: 0, stderr: '' });
    }
  });
});
