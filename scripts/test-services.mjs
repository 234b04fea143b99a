// Throwaway PostgreSQL and Redis for the test suite (vitest globalSetup), so `npm test` stays one
// command on a fresh clone: installs them from the distribution's packages when missing, starts
// them on free ports in a temporary folder, exports their URLs, and removes everything afterwards.
//   CHATCTL_TEST_PG_URL     postgres://postgres@127.0.0.1:<port>/postgres (a superuser; tests create databases)
//   CHATCTL_TEST_REDIS_URL  redis://127.0.0.1:<port>
// Both already set in the environment: they are used as they are and nothing is started.
// Standalone: `node scripts/test-services.mjs -- <command>` runs a command with both services.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

class ServicesError extends Error {}

function findPostgresBin() {
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [];
  if (fromPath.status === 0) candidates.push(fromPath.stdout.trim());
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
      candidates.push(`/usr/lib/postgresql/${version}/bin`);
    }
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function hasRedis() {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Debian/Ubuntu packages, as CI does for tmux. Only as root with apt-get; otherwise say what to install. */
function installMissing(needPostgres, needRedis) {
  const packages = [...(needPostgres ? ['postgresql'] : []), ...(needRedis ? ['redis-server'] : [])];
  if (packages.length === 0) return;
  const hasApt = spawnSync('apt-get', ['--version']).status === 0;
  if (!isRoot || !hasApt) {
    throw new ServicesError(`the tests need ${packages.join(' and ')}; install ${packages.join(' ')} (e.g. sudo apt-get install -y ${packages.join(' ')}) or set CHATCTL_TEST_PG_URL and CHATCTL_TEST_REDIS_URL`);
  }
  process.stderr.write(`test services: installing ${packages.join(' ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'ignore' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
    if (!install()) throw new ServicesError(`apt-get could not install ${packages.join(' ')}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` user then. */
function asPostgres(bin, args) {
  const command = isRoot ? 'runuser' : bin;
  const fullArgs = isRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new ServicesError(`${bin.split('/').pop()} failed: ${(result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').slice(-3).join(' ')}`);
  }
  return result.stdout;
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new ServicesError(`nothing answered on port ${port} within ${timeoutMs / 1000} s`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startTestServices() {
  if (process.env.CHATCTL_TEST_PG_URL && process.env.CHATCTL_TEST_REDIS_URL) {
    return { pgUrl: process.env.CHATCTL_TEST_PG_URL, redisUrl: process.env.CHATCTL_TEST_REDIS_URL, stop() {} };
  }
  let bin = findPostgresBin();
  installMissing(!bin, !hasRedis());
  bin ??= findPostgresBin();
  if (!bin) throw new ServicesError('PostgreSQL was installed but initdb and pg_ctl were not found');

  const root = mkdtempSync(join(tmpdir(), 'chatctl-services-'));
  const data = join(root, 'pg');
  let redis;
  let pgStarted = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (pgStarted) spawnSync(isRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(isRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), 'stop', '-D', data, '-m', 'immediate', '-w'], { stdio: 'ignore' });
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  // Ctrl-C and crashes too: `exit` runs on process.exit, which vitest calls on SIGINT.
  process.once('exit', stop);

  try {
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(root, uid, gid);
    }
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    // No fsync, trust on loopback only: a throwaway server that starts in a second or two.
    asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C']);
    pgStarted = true;
    asPostgres(join(bin, 'pg_ctl'), [
      'start', '-D', data, '-w', '-t', '60', '-l', join(data, 'server.log'), '-s',
      '-o', `-p ${pgPort} -h 127.0.0.1 -k ${data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    ]);

    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root], { stdio: 'ignore' });
    redis.unref();
    const redisFailed = new Promise((_, reject) => redis.once('error', (error) => reject(new ServicesError(`redis-server: ${error.message}`))));
    await Promise.race([waitForPort(redisPort, 15_000), redisFailed]);

    return {
      pgUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

/** vitest globalSetup: start both, export the URLs to the test workers, stop them afterwards. */
export default async function setup() {
  let services;
  try {
    services = await startTestServices();
  } catch (error) {
    const reason = error instanceof ServicesError ? error.message : String(error?.message ?? error);
    throw new Error(`The test suite needs PostgreSQL and Redis, and they could not be started: ${reason}.`);
  }
  process.env.CHATCTL_TEST_PG_URL = services.pgUrl;
  process.env.CHATCTL_TEST_REDIS_URL = services.redisUrl;
  return () => services.stop();
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const separator = process.argv.indexOf('--');
  const command = separator === -1 ? [] : process.argv.slice(separator + 1);
  const services = await startTestServices().catch((error) => {
    process.stderr.write(`test services: ${error.message}\n`);
    process.exit(1);
  });
  if (command.length === 0) {
    process.stdout.write(`CHATCTL_TEST_PG_URL=${services.pgUrl}\nCHATCTL_TEST_REDIS_URL=${services.redisUrl}\n`);
    services.stop();
  } else {
    const child = spawn(command[0], command.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, CHATCTL_TEST_PG_URL: services.pgUrl, CHATCTL_TEST_REDIS_URL: services.redisUrl },
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => {
      services.stop();
      process.exit(code ?? (signal ? 1 : 0));
    });
  }
}
