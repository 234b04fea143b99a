// Runs the built chatctl binary as a child process (npm test builds dist/ first), the way a shell
// does: through its shebang, not as `node bin/chatctl`, so the launcher itself is tested.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHATCTL = fileURLToPath(new URL('../../bin/chatctl', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs chatctl (or the launcher at `bin`) to completion with a clean environment (no stray PUSHER_* or DB_* from the host). */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; bin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin ?? CHATCTL, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chatctl ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  url: string;
  readyLine: string;
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `chatctl serve` and resolves once it printed its ready line. */
export function startServe(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHATCTL, ['serve', ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`serve did not become ready\nstdout: ${stdout}\nstderr: ${stderr}`)), 15_000);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /http:\/\/[^\s)]+:\d+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[0],
          readyLine: stdout.split('\n')[0] ?? '',
          child,
          stderr: () => stderr,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before ready\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}
