// DuckDB reference for scripts/bench-formats: the fractional count per city of
// Scopus Search JSON Lines (COMPLETE view), as close to `stcluster ingest` as
// SQL gets without a geocoder (docs/formats.md, `scopus`):
//   - entries whose subtype is 'ar' (or missing) are in scope;
//   - dedup by eid (the generated duplicates are byte-identical copies);
//   - persons = distinct authid; divisor = max(persons, author-count/@total)
//     (a truncated list leaves the missing share unlocated);
//   - a person's locations = the distinct (city, country) of the entry's
//     affiliations whose afid the person lists; each gets
//     1 / divisor / locations; a person with none is unlocated.
// Output rows (year, city, country, units) are per city as written; the
// comparison with stcluster (bench/compare_scopus.js) geocodes them.
// Only the shapes the world generator writes are read (lists, afids as
// {"$": id} objects, no HTML entities): read_json with fixed columns.
//
// Usage: node duckdb_scopus.js THREADS OUT.csv FILE...
// Prints `seconds S rows N records R` (the query alone, no start-up) and writes
// year,city,country,units,contributions rows to OUT.csv plus `#world,year,records` lines.
const fs = require('fs');
const duckdb = require('@duckdb/node-api');

async function main() {
  const [threads, out, ...files] = process.argv.slice(2);
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',');
  const instance = await duckdb.DuckDBInstance.create(':memory:', {threads: String(threads)});
  const conn = await instance.connect();
  const sql = `
    CREATE TEMP TABLE recs AS
    WITH src AS (
      SELECT * FROM read_json([${list}], format = 'newline_delimited', compression = 'zstd',
        columns = {eid: 'VARCHAR', "prism:coverDate": 'VARCHAR', subtype: 'VARCHAR',
                   affiliation: 'STRUCT(afid VARCHAR, "affiliation-city" VARCHAR, "affiliation-country" VARCHAR)[]',
                   "author-count": 'STRUCT("@total" VARCHAR)',
                   author: 'STRUCT(authid VARCHAR, afid STRUCT("$" VARCHAR)[])[]'})
      WHERE subtype IS NULL OR subtype = 'ar'
    )
    SELECT DISTINCT ON (eid) eid, CAST(substr("prism:coverDate", 1, 4) AS INTEGER) AS year,
           affiliation, author,
           greatest(len(list_distinct(list_transform(author, x -> x.authid))),
                    coalesce(TRY_CAST("author-count"."@total" AS BIGINT), 0)) AS divisor
    FROM src`;
  const query = `
    WITH aff AS (
      SELECT eid, f.afid AS afid, f."affiliation-city" AS city, f."affiliation-country" AS country
      FROM (SELECT eid, unnest(affiliation) AS f FROM recs)),
    pa AS (
      SELECT eid, year, divisor, a.authid AS pid, unnest(a.afid)."$" AS afid
      FROM (SELECT eid, year, divisor, unnest(author) AS a FROM recs)),
    pl AS (
      SELECT DISTINCT pa.eid, pa.year, pa.divisor, pa.pid, aff.city, aff.country
      FROM pa JOIN aff ON pa.eid = aff.eid AND pa.afid = aff.afid),
    w AS (
      SELECT year, city, country,
             1.0 / divisor / count(*) OVER (PARTITION BY eid, pid) AS units
      FROM pl)
    SELECT year, city, country, sum(units) AS units, count(*) AS n FROM w GROUP BY ALL ORDER BY ALL`;
  const t0 = process.hrtime.bigint();
  await conn.run(sql);
  const rows = (await conn.runAndReadAll(query)).getRows();
  const world = (await conn.runAndReadAll(
      'SELECT year, count(*) FROM recs GROUP BY year ORDER BY year')).getRows();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const q = (s) => `"${String(s ?? '').replace(/"/g, '""')}"`;
  const lines = rows.map((r) => `${r[0]},${q(r[1])},${q(r[2])},${r[3]},${r[4]}`);
  for (const r of world) lines.push(`#world,${r[0]},${r[1]}`);
  fs.writeFileSync(out, 'year,city,country,units,contributions\n' + lines.join('\n') + '\n');
  const records = world.reduce((s, r) => s + Number(r[1]), 0);
  console.log(`seconds ${secs.toFixed(3)} rows ${rows.length} records ${records}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
