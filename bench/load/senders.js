// Load generator: POSTs messages over `connections` keep-alive HTTP connections for `seconds`,
// round-robin over `targets` ({ conversationId, token }), and reports sends/s per window.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveCommands } from './serve-commands.js';

function post(agent, url, path, token, body) {
  return new Promise((resolve) => {
    const payload = Buffer.from(body);
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(payload);
  });
}

async function run({ url, targets, connections = 16, seconds = 10, windowSeconds = seconds, body = 'load' }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = {};
  const windows = [];
  let ok = 0;
  let next = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let windowEnd = t0 + windowSeconds * 1000;
  let windowCount = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const target = targets[next++ % targets.length];
        const status = await post(agent, url, `/api/chat/conversations/${target.conversationId}/messages`, target.token, JSON.stringify({ message: body }));
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 201) {
          ok++;
          windowCount++;
        }
        const now = performance.now();
        if (now >= windowEnd) {
          windows.push(Math.round(windowCount / windowSeconds));
          windowCount = 0;
          windowEnd += windowSeconds * 1000;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return { ok, perSecond: Math.round(ok / elapsed), windows, statuses, seconds: elapsed };
}

serveCommands({ run });
