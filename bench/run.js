// npm run bench: every figure beside a baseline measured in the same run, printed as a table and
// written to bench/results.json. Servers and load generators run in separate child processes.
//   node bench/run.js [--only throughput,latency] [--quick] [--json]
// Scenarios are modules in bench/scenarios/ exporting `name` and `run(ctx) → { rows, details }`;
// a row is { measure, value, baseline, unit, ratio?, target, met, note? }. Add one by adding a
// module and its name to SCENARIOS.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const SCENARIOS = ['startup', 'throughput', 'unread-flat', 'latency', 'large-db', 'fanout', 'scaling'];

const args = process.argv.slice(2);
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const say = (text) => (asJson ? process.stderr : process.stdout).write(`${text}\n`);

const root = mkdtempSync(join(tmpdir(), 'chatctl-bench-'));
const tmp = (name) => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

const fmt = (n, unit) => {
  if (typeof n !== 'number' || Number.isNaN(n)) return '–';
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
};

function table(rows) {
  const header = ['measure', 'chatctl', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.measure,
    fmt(r.value, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(line)].join('\n');
}

const started = performance.now();
const results = { date: new Date().toISOString(), node: process.version, quick, scenarios: {} };
const rows = [];
let failed = false;
try {
  for (const name of SCENARIOS) {
    if (onlyArg && !onlyArg.includes(name)) continue;
    const t0 = performance.now();
    say(`… ${name}`);
    try {
      const scenario = await import(`./scenarios/${name}.js`);
      const outcome = await scenario.run({ tmp, quick });
      rows.push(...outcome.rows);
      results.scenarios[name] = { ...outcome, seconds: Math.round((performance.now() - t0) / 100) / 10 };
      for (const r of outcome.rows) say(`  ${r.measure}: ${fmt(r.value, r.unit)} (baseline ${fmt(r.baseline, r.unit)})${r.note ? `  ${r.note}` : ''}`);
    } catch (error) {
      failed = true;
      say(`  ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      results.scenarios[name] = { error: String(error) };
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
results.rows = rows;
results.seconds = Math.round((performance.now() - started) / 1000);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
say(`\nchatctl bench — node ${process.version}, ${results.seconds} s${quick ? ' (--quick)' : ''}\n`);
say(table(rows));
for (const r of rows.filter((row) => row.note)) say(`  · ${r.measure.split(',')[0]}: ${r.note}`);
if (asJson) process.stdout.write(`${JSON.stringify(results)}\n`);
if (failed) process.exitCode = 1;
