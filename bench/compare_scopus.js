// scripts/bench-formats: checks that stcluster and DuckDB agree on the
// fractional counts of the Scopus Search files.
//
//   node compare_scopus.js cities DUCKDB.csv > CITIES.tsv
//     the distinct (city, country) of DuckDB's rows as `stcluster geocode
//     --batch` input (id = row number).
//   node compare_scopus.js compare STEP_E5 GEOCODED.tsv EXPORT.csv DUCKDB.csv
//     places every DuckDB city where the geocoder puts it (GEOCODED.tsv is the
//     output of geocode --batch on CITIES.tsv; `unresolved` = unlocated),
//     sums the units per (year, grid cell) with stcluster's Grid
//     (index = floor((round(deg * 1e5) + step/2) / step)), and compares with
//     `stcluster export --source article` (cells summed over country and
//     field), the unlocated units and the record count per year.
//     stcluster's shares are exact 10^-9 fixed point, DuckDB's floating-point
//     sums, so a cell may differ by up to 10^-9 per contribution: tolerance
//     1e-6 + 1e-9 x contributions. Prints `cells N duckdb_cells M max_diff D
//     mismatches K` and exits 1 on any mismatch.
const fs = require('fs');

// Splits one CSV line with "quoted" fields (quotes doubled inside).
function csv(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          v += line[i++];
        }
      }
      out.push(v);
      i++;  // The comma.
    } else {
      let j = line.indexOf(',', i);
      if (j < 0) j = line.length;
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

function readDuck(path) {
  const rows = [], world = new Map();
  for (const line of fs.readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    if (line.startsWith('#world,')) {
      const [, year, n] = line.split(',');
      world.set(year, Number(n));
      continue;
    }
    const [year, city, country, units, n] = csv(line);
    rows.push({year, city, country, units: Number(units), n: Number(n)});
  }
  return {rows, world};
}

const placeKey = (r) => `${r.country}\t${r.city}`;
const mode = process.argv[2];
if (mode === 'cities') {
  const {rows} = readDuck(process.argv[3]);
  const seen = new Set();
  let id = 0;
  const out = ['id\tcountry\tcity'];
  for (const r of rows) {
    const k = placeKey(r);
    if (seen.has(k)) continue;
    seen.add(k);
    const clean = (v) => v.replace(/[\t\n]/g, ' ');
    out.push(`${id++}\t${clean(r.country)}\t${clean(r.city)}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  process.exit(0);
}
if (mode !== 'compare') {
  console.error('usage: compare_scopus.js cities DUCK.csv | compare STEP_E5 GEO.tsv EXPORT.csv DUCK.csv');
  process.exit(2);
}
const [stepE5, geoPath, ours, theirs] = process.argv.slice(3);
const step = Number(stepE5);
const {rows, world} = readDuck(theirs);
// The geocoder's answer per place, in the order `cities` numbered them.
const placeIds = new Map();
for (const r of rows) {
  const k = placeKey(r);
  if (!placeIds.has(k)) placeIds.set(k, placeIds.size);
}
const where = new Map();
for (const line of fs.readFileSync(geoPath, 'utf8').split('\n').slice(1)) {
  if (!line) continue;
  const [id, quality, lat, lon] = line.split('\t');
  if (quality !== 'unresolved' && lat !== '' && lon !== '') where.set(Number(id), [Number(lat), Number(lon)]);
}
const idx = (deg) => Math.floor((Math.round(deg * 1e5) + step / 2) / step);
const b = new Map(), tol = new Map(), bUnloc = new Map();
for (const r of rows) {
  const p = where.get(placeIds.get(placeKey(r)));
  if (!p) {
    bUnloc.set(r.year, (bUnloc.get(r.year) || 0) + r.units);
    continue;
  }
  const k = `${r.year},${idx(p[0])},${idx(p[1])}`;
  b.set(k, (b.get(k) || 0) + r.units);
  tol.set(k, (tol.get(k) || 0) + r.n);
}
const a = new Map(), aUnloc = new Map(), aWorld = new Map();
for (const line of fs.readFileSync(ours, 'utf8').split('\n')) {
  const f = line.split(',');
  if (f[0] === 'cell') {
    const k = `${f[2]},${Math.round(Number(f[3]) * 1e5 / step)},${Math.round(Number(f[4]) * 1e5 / step)}`;
    a.set(k, (a.get(k) || 0) + Number(f[7]));
  } else if (f[0] === 'unlocated') {
    aUnloc.set(f[2], (aUnloc.get(f[2]) || 0) + Number(f[7]));
  } else if (f[0] === 'world') {
    aWorld.set(f[2], Number(f[7]));
  }
}
let bad = 0, maxDiff = 0;
const report = (msg) => {
  if (bad++ < 5) console.error(msg);
};
for (const [k, v] of a) {
  const w = b.get(k);
  if (w === undefined) {
    report(`only in stcluster: ${k} ${v}`);
    continue;
  }
  const d = Math.abs(v - w);
  maxDiff = Math.max(maxDiff, d);
  if (d > 1e-6 + 1e-9 * tol.get(k)) report(`differs: ${k} ${v} vs ${w}`);
}
for (const [k, w] of b) {
  if (!a.has(k)) report(`only in DuckDB: ${k} ${w}`);
}
// Per year: records, and the unlocated share (persons without a placed
// affiliation, the missing part of truncated author lists, unresolved cities).
for (const [year, n] of world) {
  if (aWorld.get(year) !== n) report(`records ${year}: stcluster ${aWorld.get(year)} DuckDB ${n}`);
  let located = 0;
  for (const [k, v] of b) if (k.startsWith(`${year},`)) located += v;
  const unloc = n - located;
  const d = Math.abs((aUnloc.get(year) || 0) - unloc);
  if (d > 1e-3) report(`unlocated ${year}: stcluster ${aUnloc.get(year) || 0} DuckDB ${unloc}`);
}
console.log(`cells ${a.size} duckdb_cells ${b.size} max_diff ${maxDiff.toExponential(2)} mismatches ${bad}`);
process.exit(bad ? 1 : 0);
