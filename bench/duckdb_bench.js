// DuckDB reference for scripts/bench: the same job as `stcluster ingest` on the
// bench workload (pct-jsonl, one address with lat/lon per inventor): dedup by
// application number, then the sum of 1/persons (split evenly over a person's
// addresses) per (year, grid cell), cells as stcluster's Grid computes them
// (index = floor((round(deg * 1e5) + step/2) / step), step in 1e-5 degrees).
//
// Usage: node duckdb_bench.js THREADS STEP_E5 OUT.csv FILE...
// Prints `seconds S rows N` (the query alone, no start-up) and writes
// year,lat_idx,lon_idx,units rows to OUT.csv.
const fs = require('fs');
const duckdb = require('@duckdb/node-api');

async function main() {
  const [threads, stepE5, out, ...files] = process.argv.slice(2);
  const step = Number(stepE5);
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',');
  const instance = await duckdb.DuckDBInstance.create(':memory:', {threads: String(threads)});
  const conn = await instance.connect();
  const cell = (col) => `CAST(floor((round(${col} * 100000) + ${step / 2}) / ${step}) AS BIGINT)`;
  const sql = `
    WITH src AS (
      SELECT * FROM read_json([${list}], format = 'newline_delimited', compression = 'zstd',
        columns = {application_number: 'VARCHAR', publication_date: 'VARCHAR',
                   inventors: 'STRUCT(name VARCHAR, addresses STRUCT(country VARCHAR, lat DOUBLE, lon DOUBLE)[])[]'})
    ),
    recs AS (SELECT DISTINCT ON (application_number) * FROM src),
    persons AS (
      SELECT CAST(substr(publication_date, 1, 4) AS INTEGER) AS year,
             1.0 / len(inventors) AS share, unnest(inventors) AS p
      FROM recs),
    addrs AS (
      SELECT year, share / len(p.addresses) AS w, unnest(p.addresses) AS a FROM persons)
    SELECT year, ${cell('a.lat')} AS lat_idx, ${cell('a.lon')} AS lon_idx, sum(w) AS units
    FROM addrs GROUP BY ALL ORDER BY ALL`;
  const t0 = process.hrtime.bigint();
  const reader = await conn.runAndReadAll(sql);
  const rows = reader.getRows();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = rows.map((r) => `${r[0]},${r[1]},${r[2]},${r[3]}`);
  fs.writeFileSync(out, 'year,lat_idx,lon_idx,units\n' + lines.join('\n') + '\n');
  console.log(`seconds ${secs.toFixed(3)} rows ${rows.length}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
