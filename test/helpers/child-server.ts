// A chatctl server in a separate process (the built binary), so a test can kill it with SIGKILL:
// a real crash, with no close handlers and no final checkpoint.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startServe } from './cli.js';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** SIGKILL: the process dies at once, mid-request if need be. */
  crash(): Promise<void>;
}

export async function startChildServer(dir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const serve = await startServe(['--port', '0', '--db', join(dir, 'chat.sqlite')], { cwd: dir, env: { BROADCAST_DRIVER: 'embedded', ...env } });
  return {
    url: serve.url,
    child: serve.child,
    crash: async () => {
      await serve.stop('SIGKILL');
    },
  };
}
