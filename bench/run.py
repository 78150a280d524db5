"""
Side-by-side benchmark: our API, the raw limit, and Datasette, on one synthetic database.

    .venv/bin/python bench/run.py                       # 10,000 sites, 200,000 reports, SQLite
    .venv/bin/python bench/run.py --duration 5 --rounds 1 --sites 1000 --reports 20000   # a quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heritage_bench .venv/bin/python bench/run.py   # PostgreSQL

It builds the database once (bench/.data/, git-ignored; `manage.py generate_synthetic`), starts each server on
127.0.0.1 with one worker process (gunicorn's sync worker, DEBUG off, for ours and the limit; Datasette in
immutable mode), warms each up, and measures with wrk (Debian package `wrk`) at 1 and 4 connections, three rounds
(interleaved: round 1 of every server, then round 2, so that the machine's drift falls on all alike), reporting
medians of p50/p95 latency and requests/s, and the ratios the targets are stated in. Then it measures the
CSV exports (time to first byte, total time, worker peak RSS) and the sites GeoJSON, and full-text search against
Datasette's (bench/search.py, which also runs alone). Datasette is installed into
bench/.venv-datasette from bench/requirements-datasette.txt on first use; it runs only on SQLite.

Besides its plain table page (the peer the targets name), Datasette is also measured doing our page's work through
its SQL endpoint ("datasette-joined", bench/datasette_joined.sql: the same joins, citations and count), checked to
find the same reports; that ratio is reported for information, not as a target.

Every request goes to 127.0.0.1 and every load is bounded by --duration. Nothing here is part of the unit suite.
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
VENV_BIN = Path(sys.executable).parent
DATASETTE_VENV = BENCH / ".venv-datasette"
PORTS = {"ours": 8101, "limit": 8102, "datasette": 8103}
LIST_QUERY = "severity=destroyed&page_size=100"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(args, env=None, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def database_env(args):
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA / f'bench-{args.sites}-{args.reports}-{args.seed}.sqlite3'}"
    # Static files collected as production collects them (WhiteNoise serves them, and warns at each start without).
    return {**os.environ, "DATABASE_URL": url, "STATIC_ROOT": str(DATA / "static")}


def sqlite_path(env):
    url = env["DATABASE_URL"]
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:") else None


def django_eval(env, code):
    """Run `code` in `manage.py shell` and return its last line of output (without the shell's auto-imports)."""
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return output.splitlines()[-1] if output else ""


def build_database(args, env):
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], env=env)
    run([*manage, "collectstatic", "--noinput", "-v0"], env=env)
    count = django_eval(env, "from heritage.records.models import DamageReport; print(DamageReport.objects.count())")
    if count != str(args.reports):
        log(f"generating {args.sites} sites and {args.reports} damage reports ...")
        started = time.monotonic()
        run(
            [*manage, "generate_synthetic", "--sites", str(args.sites), "--reports", str(args.reports)]
            + ["--seed", str(args.seed)],
            env=env,
        )
        log(f"generated in {time.monotonic() - started:.1f} s")
    # Bulk inserts leave the planner without statistics; without them SQLite sorts every matching report for the
    # first page instead of walking sites by name (30 ms against 0.1 ms on the full-size list query). PostgreSQL
    # also needs its visibility map (VACUUM) before a count can read the index alone (12 ms against 4 ms): what
    # autovacuum does some time after a bulk load, done at once.
    maintenance = "VACUUM ANALYZE" if sqlite_path(env) is None else "ANALYZE"
    django_eval(env, f"from django.db import connection; connection.cursor().execute('{maintenance}'); print('ok')")
    log(f"database ready ({args.reports} damage reports), statistics refreshed ({maintenance})")


def server_env(env, settings_module):
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        # The API's throttles (60 and 600 a minute per IP; DRF's user throttle counts anonymous clients too) would
        # turn the load into 429s: measure the work, not the refusal. The throttles still run on every request.
        "API_ANON_RATE": "100000000/second",
        "API_USER_RATE": "100000000/second",
    }


def setup_django_here(args):
    """
    For the benchmarks that measure in their own process (through Django's test client): the database built, and
    Django set up on it in this process, as a production server's settings would have it.
    """
    env = database_env(args)
    build_database(args, env)
    os.environ.update(server_env(env, "heritage.settings"))
    import django

    django.setup()


def gunicorn(name, env, settings_module, threads, workers=1, port=None):
    command = [
        str(VENV_BIN / "gunicorn"),
        "heritage.wsgi",
        "--bind",
        f"127.0.0.1:{port or PORTS[name]}",
        "--workers",
        str(workers),
        # One thread: gunicorn's sync worker, as the README serves it (it takes a connection only when it is free;
        # gthread workers took several keep-alive connections each, and one worker could serve all four of wrk's
        # while the other idled). More threads: gthread.
        *(["--worker-class", "sync"] if threads == 1 else ["--worker-class", "gthread", "--threads", str(threads)]),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=server_env(env, settings_module), start_new_session=True)


def datasette(db_path, port=None):
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        log("installing Datasette into bench/.venv-datasette ...")
        run([sys.executable, "-m", "venv", str(DATASETTE_VENV)])
        run([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "-r", str(BENCH / "requirements-datasette.txt")])
    command = [str(binary), "serve", "-i", db_path, "-h", "127.0.0.1", "-p", str(port or PORTS["datasette"])]
    command += ["--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms", "10000"]
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = fetch(url)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {timeout} s")


def get_body(url):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{url} answered {response.status}: {body[:300]!r}")
    return body


def check_limit_matches(ours_url, limit_url):
    """The limit must answer with our body: the same envelope, count, rows, order and representation of each row."""
    ours = json.loads(get_body(ours_url))
    # The limit's links name its own port.
    ports = urlsplit(limit_url).port, urlsplit(ours_url).port
    limit = json.loads(get_body(limit_url).replace(f":{ports[0]}/".encode(), f":{ports[1]}/".encode()))
    if ours != limit:
        problems = [f"{key} differs" for key in ("count", "next", "previous") if ours.get(key) != limit.get(key)]
        for index, (mine, theirs) in enumerate(zip(ours["results"], limit["results"], strict=False)):
            if mine != theirs:
                keys = sorted(key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key))
                problems.append(f"row {index} (id {mine.get('id')}) differs in {', '.join(keys)}")
                break
        if len(ours["results"]) != len(limit["results"]):
            problems.append(f"{len(ours['results'])} rows against {len(limit['results'])}")
        raise SystemExit("the limit does not serve what our API serves: " + "; ".join(problems))
    log(f"limit checked: the same body (count {ours['count']}, {len(ours['results'])} rows)")


def datasette_joined_url(db_path):
    sql = (BENCH / "datasette_joined.sql").read_text()
    query = urlencode({"sql": sql, "severity": "destroyed", "_shape": "objects", "_json": "citations"})
    return f"http://127.0.0.1:{PORTS['datasette']}/{Path(db_path).stem}.json?{query}"


def check_joined_matches(ours_url, joined_url):
    """Datasette's joined query must find our page: the same reports in the same order, summaries and citations."""
    ours = json.loads(get_body(ours_url))
    joined = json.loads(get_body(joined_url))["rows"]

    def summary_id(record, name):
        return (record[name] or {}).get("id")

    def our_key(record):
        cited = [(citation["id"], summary_id(citation, "source")) for citation in record["citations"]]
        related = [summary_id(record, name) for name in ("site", "structure", "cause", "occupation", "perpetrator")]
        return record["id"], related, cited

    def joined_key(row):
        cited = [(citation["id"], citation["source_id"]) for citation in row["citations"]]
        related = [row[f"{name}_id"] for name in ("site", "structure", "cause", "occupation", "perpetrator")]
        return row["id"], related, cited

    if [our_key(record) for record in ours["results"]] != [joined_key(row) for row in joined]:
        raise SystemExit("Datasette's joined query (bench/datasette_joined.sql) does not find our page's records")
    if any(row["count"] != ours["count"] for row in joined):
        raise SystemExit("Datasette's joined query counts differently")
    log(f"Datasette's joined query checked: the same {len(joined)} reports, summaries and citations")


def machine():
    """CPU model and core count (lscpu), for the report."""
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return f"{model}, {os.cpu_count()} cores"


def load_average():
    return os.getloadavg()[0]


def fetch(url, measure_first_byte=False):
    """GET url; returns (status, body length, seconds to the first body byte or to the end)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size = len(first) + len(response.read())
    total = time.perf_counter() - started
    connection.close()
    return response.status, size, (first_byte if measure_first_byte else total)


def wrk(url, connections, duration):
    threads = min(connections, 2)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(BENCH / "latency.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def measure(url, connections, duration, rounds):
    wrk(url, connections, max(2, duration // 3))  # warm-up
    return summarize([wrk(url, connections, duration) for _ in range(rounds)])


def measure_interleaved(urls, duration, rounds):
    """
    Each URL at 1 and 4 connections, the rounds interleaved (round 1 of every server, then round 2...): this
    machine's speed drifts over minutes, and measuring one server's rounds after another's put the drift into the
    ratios.
    """
    keys = [(name, connections) for name in urls for connections in (1, 4)]
    for name, connections in keys:
        wrk(urls[name], connections, max(2, duration // 3))  # warm-up
    runs = {key: [] for key in keys}
    for round_number in range(1, rounds + 1):
        log(f"round {round_number} of {rounds} ...")
        for name, connections in keys:
            runs[name, connections].append(wrk(urls[name], connections, duration))
    return {f"{name}@{connections}": summarize(runs[name, connections]) for name, connections in keys}


def summarize(runs):
    return {
        "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p95_ms": statistics.median(r["p95_us"] for r in runs) / 1000,
        "rps": statistics.median(r["rps"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def worker_peak_rss_kb(master):
    """Peak resident memory (VmHWM) of the gunicorn worker under `master`."""
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    with open(f"/proc/{children[0]}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def ten_thousand_row_filter(env):
    """An occurred_before date that selects about 10,000 reports, found from the data itself."""
    script = (
        "from heritage.records.models import DamageReport as D;"
        "print(D.objects.exclude(occurred_earliest=None).order_by('occurred_earliest')"
        ".values_list('occurred_earliest', flat=True)[9999])"
    )
    return f"occurred_before={django_eval(env, script)}"


def first_site_slug(env):
    script = (
        "from heritage.records.models import Site; print(Site.objects.order_by('pk').values_list('slug', flat=True)[0])"
    )
    return django_eval(env, script)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured round (default 10)")
    parser.add_argument("--rounds", type=int, default=3)
    # The page is CPU-bound: more threads in one process only contend for the GIL (at 4 connections, 4 threads served
    # about 30% fewer requests than one). Scale with worker processes instead.
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads in the worker (default 1)")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument(
        "--list-only", action="store_true", help="measure the list page only (no site detail, exports or GeoJSON)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    env = database_env(args)
    build_database(args, env)
    db_path = sqlite_path(env)
    servers = {
        "ours": gunicorn("ours", env, "heritage.settings", args.threads),
        "limit": gunicorn("limit", env, "bench.limit_settings", args.threads),
    }
    if db_path:
        servers["datasette"] = datasette(db_path)
    urls = {
        "ours": f"http://127.0.0.1:{PORTS['ours']}/api/v1/damage-reports/?{LIST_QUERY}",
        "limit": f"http://127.0.0.1:{PORTS['limit']}/api/v1/damage-reports/?{LIST_QUERY}",
        "datasette": f"http://127.0.0.1:{PORTS['datasette']}/{Path(db_path or 'x').stem}/records_damagereport.json"
        "?severity=destroyed&status__in=reported,verified,disputed,retracted&_size=100&_shape=objects&_nosuggest=1",
    }
    measured = list(servers)
    if db_path:
        # The same Datasette process, asked through its SQL endpoint for our page's work (informational).
        measured.append("datasette-joined")
        urls["datasette-joined"] = datasette_joined_url(db_path)
    results = {"machine": machine(), "list": {}, "load_before": load_average()}
    try:
        for name in measured:
            wait_for(urls[name])
        check_limit_matches(urls["ours"], urls["limit"])
        if db_path:
            check_joined_matches(urls["ours"], urls["datasette-joined"])
        results["list"] = measure_interleaved({name: urls[name] for name in measured}, args.duration, args.rounds)
        if not args.list_only:
            measure_details_and_exports(results, env, servers["ours"], args)
    finally:
        for process in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    if db_path and not args.list_only:
        from bench import search  # (bench/search.py uses this module's helpers)

        results["search"] = search.measure(env, db_path, max(1, args.duration / 3), args.duration)
    results["load_after"] = load_average()

    from run_report import report  # bench/run_report.py (the script's folder is on sys.path)

    print(report(results, args))
    if "search" in results:
        from bench import search

        print("\n" + search.report(results["search"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def measure_details_and_exports(results, env, ours, args):
    """A site detail, the GeoJSON of all sites, and the CSV exports of ~10,000 and of all reports (time, memory)."""
    base = f"http://127.0.0.1:{PORTS['ours']}/api/v1"
    site = first_site_slug(env)
    results["site_detail@1"] = measure(f"{base}/sites/{site}/", 1, args.duration, args.rounds)
    status, size, seconds = fetch(f"{base}/sites/?format=geojson")
    if status != 200:
        raise SystemExit(f"the GeoJSON export answered {status}")
    results["geojson_all_sites"] = {"status": status, "bytes": size, "seconds": seconds}

    rss_before = worker_peak_rss_kb(ours)
    small = f"{base}/damage-reports/?format=csv&{ten_thousand_row_filter(env)}"
    results["csv_10k"] = csv_export(small, ours)
    results["csv_all"] = csv_export(f"{base}/damage-reports/?format=csv", ours)
    results["csv_rss_kb"] = {"before": rss_before, "after_10k": results["csv_10k"]["peak_rss_kb"]}
    results["csv_rss_growth_mb"] = (results["csv_all"]["peak_rss_kb"] - results["csv_10k"]["peak_rss_kb"]) / 1024
    # Export rates, in rows a second: the public reports (what the anonymous client exports) over the total time.
    results["public_reports"] = json_count(f"{base}/damage-reports/?page_size=1")
    status, size, seconds = fetch(f"{base}/damage-reports/?format=geojson")
    if status != 200:
        raise SystemExit(f"the damage reports' GeoJSON export answered {status}")
    results["geojson_all_reports"] = {"status": status, "bytes": size, "seconds": seconds}


def json_count(url):
    """The `count` of a JSON list page."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    connection.request("GET", f"{parts.path}?{parts.query}")
    count = json.loads(connection.getresponse().read())["count"]
    connection.close()
    return count


def csv_export(url, server):
    _, _, first_byte = fetch(url, measure_first_byte=True)
    status, size, total = fetch(url)
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    return {
        "status": status,
        "bytes": size,
        "first_byte_s": first_byte,
        "total_s": total,
        "peak_rss_kb": worker_peak_rss_kb(server),
    }


if __name__ == "__main__":
    main()
