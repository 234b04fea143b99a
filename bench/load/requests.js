// Sequential GETs over one keep-alive connection: the latency of one request at a time, per path.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveCommands } from './serve-commands.js';

function get(agent, url, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(size) : reject(new Error(`GET ${url} → ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

serveCommands({
  /** { url, probes: [{ name, path, token }], runs, warmup } → { [name]: { samples, bytes } } */
  async run({ url, probes, runs = 100, warmup = 20 }) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const results = {};
    for (const probe of probes) {
      for (let i = 0; i < warmup; i++) await get(agent, `${url}${probe.path}`, probe.token);
      const samples = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        bytes = await get(agent, `${url}${probe.path}`, probe.token);
        samples.push(performance.now() - t0);
      }
      results[probe.name] = { samples, bytes };
    }
    agent.destroy();
    return results;
  },
});
