"""
Full-text search against Datasette's `_search`, on the benchmark's synthetic database (200,000 damage reports).

    .venv/bin/python bench/search.py                   # 10,000 sites, 200,000 reports, SQLite
    .venv/bin/python bench/search.py --sites 1000 --reports 20000 --seconds 1 --duration 3   # a quick look

`bench/run.py` runs it after the list page (skip with `--list-only`); alone, it measures search only.

Datasette searches a table through an FTS5 table whose `content=` names it. So that both servers search the same
words of the same reports, Datasette's (`records_damagereport_fts`, added to the benchmark's database once) indexes
exactly the folded names and text our own index holds for each damage report; Datasette's `_search` then matches
the words as ours does (`_searchmode=escaped`: each word a quoted string, all of them required). A ranked search
through Datasette's SQL endpoint reads our own index (`search_fts`, in the same file), so that both rank with the
same statistics.

Queries are drawn from the indexed words: a word that occurs in thousands of reports, one that occurs in a few,
two words of one report. Each is asked for the public reports only (Datasette filters on the statuses the public
may see), 50 a page with the count of all matches, in two orders:

- *best match first*, our default (BM25, a name match weighing ten times a text match; each result with its
  matched passage). Datasette's `_search` cannot rank: a Datasette user ranks through its SQL endpoint, as its
  documentation shows (`order by rank`, with the same BM25 weights set on its table), here with the count in the
  same query. Both must give the same reports in the same order (checked);
- *newest first*: ours `ordering=-occurred`, Datasette's `_search` table page with `_sort_desc=occurred_earliest`
  (the same count, checked).

Per shape the median latency on one keep-alive connection, one worker; then every shape's URLs interleaved under wrk
at 1 and 4 connections (ours one worker per core at 4), as requests a second: the goal is at least Datasette's.
"""

import json
import os
import platform
import random
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import mix, run  # noqa: E402 (after the path that finds it)

PORTS = {"ours": 8131, "datasette": 8133}
FTS_TABLE = "records_damagereport_fts"
QUERIES = 60  # per shape

# Datasette's FTS table over our entries' folded text for damage reports: external content naming
# records_damagereport, so that Datasette finds it, filled from the entries. Its columns bear the names of two of the
# report's columns (the names go in `slug`, the text in `description`) only because Datasette reads them back once,
# counting the table's rows at start-up.
DATASETTE_FTS = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    slug, description, content="records_damagereport", content_rowid="id",
    tokenize='unicode61 remove_diacritics 0')
"""
REPORT_ENTRIES = """
SELECT entry.record_id, entry.names_folded, entry.text_folded FROM search_searchentry entry
JOIN django_content_type kind ON kind.id = entry.content_type_id
WHERE kind.app_label = 'records' AND kind.model = 'damagereport'
"""
PUBLIC = ("reported", "verified", "disputed", "retracted")


def prepare_datasette_fts(db_path):
    """Give Datasette its FTS table over the reports' indexed words (made once; re-made if the reports changed)."""
    connection = sqlite3.connect(db_path)
    try:
        entries = connection.execute(f"SELECT count(*) FROM ({REPORT_ENTRIES})").fetchone()[0]
        if not entries:
            raise SystemExit("the damage reports have no search entries: run manage.py rebuild_search_index")
        connection.execute(DATASETTE_FTS)
        indexed = connection.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize").fetchone()[0]
        if indexed != entries:
            run.log(f"indexing {entries} reports for Datasette's _search ...")
            connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            connection.execute(f"INSERT INTO {FTS_TABLE}(rowid, slug, description) {REPORT_ENTRIES}")
            connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')")
            connection.commit()
        # Datasette opens the file immutable, which does not read the write-ahead log: everything into the file.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def queries(db_path):
    """{"frequent": [...], "rare": [...], "two words": [...]}: words of public reports' entries, by how often."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        marks = ", ".join("?" * len(PUBLIC))
        rows = connection.execute(
            f"SELECT entry.names_folded || ' ' || entry.text_folded FROM ({REPORT_ENTRIES}) entry "
            f"JOIN records_damagereport report ON report.id = entry.record_id WHERE report.status IN ({marks}) "
            "ORDER BY entry.record_id",
            PUBLIC,
        ).fetchall()
    finally:
        connection.close()
    counts = {}
    for (text,) in rows[:: max(1, len(rows) // 20000)]:
        for word in set(text.split()):
            if len(word) > 2 and not word.isdigit():
                counts[word] = counts.get(word, 0) + 1
    by_count = sorted(counts, key=lambda word: (-counts[word], word))
    rng = random.Random(19)
    frequent = by_count[:QUERIES] if len(by_count) >= 2 * QUERIES else by_count[: len(by_count) // 2]
    rare = [word for word in by_count if counts[word] <= 2]
    pairs = []
    for (text,) in rng.sample(rows, min(len(rows), QUERIES * 4)):
        words = [word for word in dict.fromkeys(text.split()) if len(word) > 2 and not word.isdigit()]
        if len(words) >= 2:
            pairs.append(" ".join(rng.sample(words, 2)))
    return {
        "a frequent word": [rng.choice(frequent) for _ in range(QUERIES)],
        "a rare word": rng.sample(rare, min(QUERIES, len(rare))),
        "two words of one report": pairs[:QUERIES],
    }


# Our index numbers a damage report's row (content type id << 40) + its id (heritage/search/index.py).
RANKED_SQL = f"""
select report.*, (
    select count(*) from search_fts matched join records_damagereport counted
    on matched.rowid - :first = counted.id
    where search_fts match escape_fts(:search) and matched.rowid between :first and :last
    and counted.status in {PUBLIC}
) as count
from search_fts found join records_damagereport report on found.rowid - :first = report.id
where search_fts match escape_fts(:search) and found.rowid between :first and :last and report.status in {PUBLIC}
order by found.rank, report.id limit 50
"""


def report_rowids(db_path):
    """The first and last rowid of damage reports in our index."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        (kind,) = connection.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'records' AND model = 'damagereport'"
        ).fetchone()
    finally:
        connection.close()
    return {"first": kind << 40, "last": (kind << 40) + (1 << 40) - 1}


def shapes(words, db, rowids):
    """{shape: [(our path, Datasette's path), ...]}."""
    table = f"/{db}/records_damagereport.json"
    public = {"status__in": ",".join(PUBLIC), "_size": 50, "_searchmode": "escaped"}
    by_shape = {}
    for kind, searches in words.items():
        by_shape[f"{kind}, best match first"] = [
            (
                "/api/v1/damage-reports/?" + urlencode({"search": search, "page_size": 50}),
                f"/{db}.json?" + urlencode({"sql": RANKED_SQL, "search": search, **rowids, "_shape": "objects"}),
            )
            for search in searches
        ]
    by_shape["a frequent word, newest first"] = [
        (
            "/api/v1/damage-reports/?" + urlencode({"search": search, "ordering": "-occurred", "page_size": 50}),
            f"{table}?" + urlencode({"_search": search, "_sort_desc": "occurred_earliest", **public}),
        )
        for search in words["a frequent word"]
    ]
    return by_shape


def check_same_matches(clients, name, rows):
    """Both servers find the same reports for a query: the same count, and ranked, the same page in order."""
    for ours_path, peer_path in rows[:5]:
        ours = json.loads(clients["ours"].get(ours_path)[1])
        peer = json.loads(clients["datasette"].get(peer_path)[1])
        if "best match" in name:
            count = peer["rows"][0]["count"] if peer["rows"] else 0
            same_page = [row["id"] for row in ours["results"]] == [row["id"] for row in peer["rows"]]
        else:
            count, same_page = peer["filtered_table_rows_count"], True
        if ours["count"] != count or not same_page:
            raise SystemExit(
                f"{name}: ours finds {ours['count']} reports for {ours_path}, Datasette {count} for {peer_path}"
                f"{'' if same_page else ', and ranks them differently'}: the two do not search alike"
            )


def measure(env, db_path, seconds, duration):
    """The search shapes' medians and the search mix's requests a second, ours and Datasette's."""
    prepare_datasette_fts(db_path)
    by_shape = shapes(queries(db_path), Path(db_path).stem, report_rowids(db_path))
    results = {"shapes": {}, "mix": {}}
    servers = {
        "ours": run.gunicorn("ours", env, "heritage.settings", 1, port=PORTS["ours"]),
        "datasette": run.datasette(db_path, port=PORTS["datasette"]),
    }
    try:
        clients = {name: mix.Client(port) for name, port in PORTS.items()}
        run.wait_for(f"http://127.0.0.1:{PORTS['ours']}/api/v1/")
        run.wait_for(f"http://127.0.0.1:{PORTS['datasette']}/-/versions.json")
        for number, server in enumerate(PORTS):
            for rows in by_shape.values():
                mix.check(clients[server], [row[number] for row in rows], server)
        for name, rows in by_shape.items():
            check_same_matches(clients, name, rows)
        run.log("every search URL answers 200, and both servers find the same reports")
        for name, rows in by_shape.items():
            results["shapes"][name] = {}
            for number, server in enumerate(PORTS):
                median, count = mix.shape_median(clients[server], [row[number] for row in rows], seconds)
                results["shapes"][name][server] = {"p50_ms": median, "requests": count}
            run.log(f"{name}: " + ", ".join(f"{k} {v['p50_ms']:.1f} ms" for k, v in results["shapes"][name].items()))
        for client in clients.values():
            client.close()
        mixes = {
            server: mix.interleave({k: [row[number] for row in v] for k, v in by_shape.items()})
            for number, server in enumerate(PORTS)
        }
        for connections in (1, 4):
            if connections == 4:  # one worker per core for ours, as production runs
                mix.stop({"ours": servers.pop("ours")})
                servers["ours"] = run.gunicorn("ours", env, "heritage.settings", 1, os.cpu_count(), PORTS["ours"])
                run.wait_for(f"http://127.0.0.1:{PORTS['ours']}/api/v1/")
            for server, paths in mixes.items():
                mix.wrk_mix(PORTS[server], paths, connections, max(2, duration // 3))  # warm-up
                measured = mix.wrk_mix(PORTS[server], paths, connections, duration)
                results["mix"][f"{server}@{connections}"] = measured
                run.log(f"search mix, {server}, {connections} connection(s): {measured}")
    finally:
        mix.stop(servers)
    return results


def report(results):
    lines = [
        "| search | ours ms | Datasette ms | ours / Datasette |",
        "| --- | --- | --- | --- |",
    ]
    for name, measured in results["shapes"].items():
        ours, peer = measured["ours"]["p50_ms"], measured["datasette"]["p50_ms"]
        lines.append(f"| {name} | {ours:.1f} | {peer:.1f} | {ours / peer:.2f}x |")
    lines += ["", *mix.mix_table(results["mix"], "all searches")]
    return "\n".join(lines)


def main():
    args = mix.arguments(__doc__)
    env = run.database_env(args)
    db_path = run.sqlite_path(env)
    if db_path is None:
        raise SystemExit("the search benchmark compares with Datasette, which reads SQLite only")
    run.build_database(args, env)
    load_before = run.load_average()
    results = measure(env, db_path, args.seconds, args.duration)
    print(
        f"Search: {args.sites} sites, {args.reports} damage reports (seed {args.seed}); {run.machine()}, "
        f"{platform.platform()}; load average {load_before:.1f} before, {run.load_average():.1f} after.\n"
    )
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
