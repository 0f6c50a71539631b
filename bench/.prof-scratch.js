// Aggregates a .cpuprofile: self time by package, and inclusive time of top functions.
const fs = require('fs');
const prof = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
const self = new Map();
const dts = prof.timeDeltas; const samples = prof.samples;
for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) || 0) + (dts[i] || 0));
function cat(n) {
  const u = n.callFrame.url || '';
  const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (u.includes('/lib/src/')) return 'app:' + u.split('/lib/src/')[1];
  if (u.startsWith('node:')) return 'node-internal';
  return n.callFrame.functionName || '(' + (u || 'native') + ')';
}
const byCat = new Map();
let total = 0;
for (const [id, t] of self) { const c = cat(nodes.get(id)); byCat.set(c, (byCat.get(c) || 0) + t); total += t; }
console.log('total sampled ms', (total / 1000).toFixed(1));
for (const [c, t] of [...byCat].sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[3] || 25))) console.log(c.padEnd(60), (t / 1000).toFixed(1));
// inclusive per function name+url
const incl = new Map();
for (const [id, t] of self) {
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const n = nodes.get(cur); const k = n.callFrame.functionName + ' ' + (n.callFrame.url || '').replace(/.*node_modules\//, '').replace(/.*lib\/src\//, 'app/') + ':' + n.callFrame.lineNumber;
    if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) || 0) + t); }
    cur = parent.get(cur);
  }
}
console.log('\ninclusive:');
for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[4] || 50))) console.log(k.slice(0, 100).padEnd(100), (t / 1000).toFixed(1));
