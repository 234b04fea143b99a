// Process time of `chatctl --help` and `chatctl doctor --only config` against `node -e 0`
// (median wall time of several runs each, interleaved so machine noise hits all three alike).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.js';

export const name = 'startup';

const CHATCTL = fileURLToPath(new URL('../../bin/chatctl', import.meta.url));

function time(args, cwd) {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (result.error) throw result.error;
  return ms;
}

export async function run({ tmp, quick }) {
  const cwd = tmp('startup');
  const runs = quick ? 5 : 15;
  const commands = { node: ['-e', '0'], help: [CHATCTL, '--help'], doctor: [CHATCTL, 'doctor', '--only', 'config'] };
  const samples = { node: [], help: [], doctor: [] };
  for (const args of Object.values(commands)) time(args, cwd); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const [key, args] of Object.entries(commands)) samples[key].push(time(args, cwd));
  }
  const node = median(samples.node);
  const row = (key, label) => {
    const value = median(samples[key]);
    return { measure: `${label} process time (median of ${runs})`, value, baseline: node, unit: 'ms', ratio: value / node, target: '≤ 1.5x node -e 0', met: value / node <= 1.5 };
  };
  return { rows: [row('help', '`chatctl --help`'), row('doctor', '`chatctl doctor --only config`')], details: samples };
}
