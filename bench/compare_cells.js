// scripts/bench: checks that stcluster and DuckDB agree on the aggregates.
// Usage: node compare_cells.js STEP_E5 STCLUSTER_EXPORT.csv DUCKDB.csv
// Sums stcluster's cell rows over country and field per (year, lat_idx,
// lon_idx) and compares with DuckDB's rows. stcluster's units are exact
// fixed-point shares (10^-9 each), DuckDB's floating-point sums of 1/n, so a
// cell may differ by less than 10^-9 per contribution; a contribution is at
// least 1/8 unit here (at most 8 persons), so the tolerance is
// 1e-6 + 8e-9 * |units|. Prints `cells N max_diff D` and exits 1 on any
// mismatch (a cell missing on one side or a difference above tolerance).
const fs = require('fs');

const [stepE5, ours, theirs] = process.argv.slice(2);
const step = Number(stepE5);
const a = new Map();
for (const line of fs.readFileSync(ours, 'utf8').split('\n')) {
  const f = line.split(',');
  if (f[0] !== 'cell') continue;
  const key = `${f[2]},${Math.round(Number(f[3]) * 1e5 / step)},${Math.round(Number(f[4]) * 1e5 / step)}`;
  a.set(key, (a.get(key) || 0) + Number(f[7]));
}
const b = new Map();
for (const line of fs.readFileSync(theirs, 'utf8').split('\n').slice(1)) {
  if (!line) continue;
  const f = line.split(',');
  b.set(`${f[0]},${f[1]},${f[2]}`, Number(f[3]));
}
let bad = 0, maxDiff = 0;
for (const [k, v] of a) {
  const w = b.get(k);
  if (w === undefined) {
    if (bad++ < 5) console.error(`only in stcluster: ${k} ${v}`);
    continue;
  }
  const d = Math.abs(v - w);
  maxDiff = Math.max(maxDiff, d);
  if (d > 1e-6 + 8e-9 * Math.abs(w) && bad++ < 5) console.error(`differs: ${k} ${v} vs ${w}`);
}
for (const [k, w] of b) {
  if (!a.has(k) && bad++ < 5) console.error(`only in DuckDB: ${k} ${w}`);
}
console.log(`cells ${a.size} duckdb_cells ${b.size} max_diff ${maxDiff.toExponential(2)} mismatches ${bad}`);
process.exit(bad ? 1 : 0);
