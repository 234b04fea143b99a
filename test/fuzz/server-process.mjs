// The server under fuzz, in its own process (started with --expose-gc) so its heap can be
// measured without the test's own allocations. Runs the built code (dist/), like the CLI tests.
// argv[2]: a data folder. IPC: {type:'heap'} → {type:'heap', heapUsed}; {type:'stop'} → exits 0.
import { join } from 'node:path';
import process from 'node:process';
import { loadConfig } from '../../dist/config/env.js';
import { startServer } from '../../dist/server/runtime.js';

const dir = process.argv[2];
const config = loadConfig({
  cwd: dir,
  env: { DB_DATABASE: join(dir, 'chat.sqlite'), BROADCAST_DRIVER: 'embedded', DB_SYNCHRONOUS: 'NORMAL' },
  overrides: { host: '127.0.0.1', port: 0 },
});
const server = await startServer(config, {
  log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
});
process.send({ type: 'ready', url: server.url, port: server.port, databasePath: config.databasePath });
process.on('message', (message) => {
  if (message.type === 'heap') {
    // Twice: the first pass can leave finalizer-held objects for the second.
    globalThis.gc();
    globalThis.gc();
    process.send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
  } else if (message.type === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
