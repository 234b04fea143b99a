// Summarises a V8 .cpuprofile: self time per function and inclusive time per function name.
import { readFileSync } from 'node:fs';

export function summarise(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const label = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const node = byId.get(id);
    self.set(label(node), (self.get(label(node)) ?? 0) + count);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = label(byId.get(cur));
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  const pct = (n) => Math.round((n / total) * 1000) / 10;
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, n]) => ({ name, pct: pct(n) }));
  return { samples: total, self: rank(self), inclusive: rank(inclusive) };
}
