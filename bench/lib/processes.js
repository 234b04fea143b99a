// Child processes for the bench: a real `chatctl serve` (or the raw baseline server) and load
// generators, each in its own process so no figure is measured on the server's event loop.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHATCTL = `${ROOT}bin/chatctl`;

/** Reads the first stdout line that parses as JSON (the ready line). */
async function readyLine(child, what) {
  const lines = createInterface({ input: child.stdout });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${what} exited (${code}) before it was ready: ${stderr.trim().slice(-500)}`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      if (line.startsWith('{')) return JSON.parse(line);
    }
    throw new Error(`${what} closed stdout before its ready line`);
  })();
  try {
    return await Promise.race([ready, exited]);
  } finally {
    exited.catch(() => {});
  }
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * `chatctl serve --port 0 --json` on `db` with default settings (synchronous=FULL).
 * `cpuProfDir` runs it under `node --cpu-prof` (the profile is written when it stops).
 */
export async function startChatctl({ db, dataDir, env = {}, cpuProfDir } = {}) {
  const nodeArgs = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const child = spawn(process.execPath, [...nodeArgs, CHATCTL, 'serve', '--port', '0', '--json', '--db', db], {
    cwd: dataDir,
    // All bench clients come from 127.0.0.1: lift the per-address caps (10,000 sockets in one test).
    env: {
      ...process.env,
      APP_URL: '',
      BROADCAST_DRIVER: 'embedded',
      CHATCTL_DATA_DIR: dataDir,
      CHATCTL_MAX_CONNECTIONS: '30000',
      CHATCTL_MAX_CONNECTIONS_PER_IP: '30000',
      CHATCTL_WS_MAX_CONNECTIONS_PER_IP: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await readyLine(child, 'chatctl serve');
  const app = JSON.parse(readFileSync(join(dataDir, 'pusher-app.json'), 'utf8'));
  return { url: ready.url, port: ready.port, key: ready.key, secret: app.secret, appId: app.id, pid: child.pid, stop: () => stopChild(child) };
}

/** The raw baseline (node:http + better-sqlite3 FULL + ws), same routes and payloads. */
export async function startRaw({ db, env = {} }) {
  const child = spawn(process.execPath, [`${ROOT}bench/baseline/raw-server.js`, db], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await readyLine(child, 'raw baseline server');
  return { ...ready, pid: child.pid, stop: () => stopChild(child) };
}

/**
 * A load module (bench/load/*.js) in its own child process. `ask(message)` sends one command and
 * resolves with the child's next reply; `stop()` ends it.
 */
export function startLoad(module) {
  const child = fork(`${ROOT}bench/load/${module}`, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  child.on('message', (reply) => waiting.shift()?.resolve(reply));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`load generator ${module} exited (${code})`));
  });
  return {
    pid: child.pid,
    ask(message) {
      return new Promise((resolve, reject) => {
        waiting.push({
          resolve: (reply) => (reply && reply.error ? reject(new Error(`${module}: ${reply.error}`)) : resolve(reply)),
          reject,
        });
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One command to a fresh load process, then stop it. */
export async function runLoad(module, message) {
  const load = startLoad(module);
  try {
    return await load.ask(message);
  } finally {
    await load.stop();
  }
}

/** Resident set size of a process in KiB (Linux /proc). */
export async function rssKib(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}
