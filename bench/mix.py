"""
A mix of the questions a researcher asks, not one list page: our API against Datasette's equivalent table queries
and, where it applies, the raw limit (bench/limit_urls.py), on the benchmark's synthetic database.

    .venv/bin/python bench/mix.py                      # 10,000 sites, 200,000 reports, SQLite (a few minutes)
    .venv/bin/python bench/mix.py --sites 1000 --reports 20000 --seconds 1 --duration 3   # a quick look

Each shape is asked with many values drawn from the data (sites, reports, causes, pages, orderings), so that no
answer comes from a cache that one repeated URL would keep warm:

- per shape, the median latency of its URLs asked one after another on one keep-alive connection, cycling through
  the values for `--seconds` per shape and server;
- the mix: every shape's URLs interleaved, served under wrk (bench/mix.lua) at 1 and 4 connections for
  `--duration` seconds, as requests a second. At 1 connection ours and the limit run one gunicorn worker; at 4, one
  worker per core, as the README tells production to. Datasette is one process either way (it has no workers).

Datasette answers the same question of the same table (the same filter, sort and page size) with its own body:
raw rows, no related records' summaries and no citations; its record is its row page. The limit answers only the
list by severity, with our body (checked before measuring). Every request goes to 127.0.0.1; nothing here is part
of the test suite.
"""

import argparse
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # noqa: E402 (after the path that finds it)

PORTS = {"ours": 8121, "limit": 8122, "datasette": 8123}
PUBLIC = "reported,verified,disputed,retracted"  # what an anonymous client of ours sees: drafts are not public
VALUES = 60  # values per shape
# Our orderings and Datasette's sort by the same column (Datasette cannot sort by a related record's name: the
# site's reports are sorted by the site's id there).
ORDERINGS = {
    "occurred": "occurred_earliest",
    "created": "created",
    "last_updated": "last_updated",
    "severity": "severity",
    "certainty": "certainty",
    "slug": "slug",
    "site": "site_id",
}

SAMPLE = """
import json, random
from heritage.records.models import DamageReport, DisturbanceCause, Site
from heritage.records.models.base import PUBLIC_STATUSES
random.seed(20)
public = DamageReport.objects.filter(status__in=PUBLIC_STATUSES)
sites = list(Site.objects.filter(damage_reports__status__in=PUBLIC_STATUSES).distinct().values_list("slug", "id"))
reports = list(public.order_by("pk").values_list("slug", "id")[::997])
causes = list(DisturbanceCause.objects.filter(damage_reports__isnull=False).distinct().values_list("slug", "id"))
countries = sorted(set(Site.objects.values_list("country", flat=True)))
print(json.dumps({
    "sites": random.sample(sites, min(200, len(sites))),
    "reports": reports[:200],
    "causes": causes,
    "countries": countries,
    "public_reports": public.count(),
}))
"""


def sample(env):
    return json.loads(run.django_eval(env, SAMPLE))


def shapes(data, db):
    """{shape: [(our path, Datasette's path, the limit's path or None), ...]}, VALUES of each, many values each."""
    rng = random.Random(20)
    table = f"/{db}/records_damagereport"
    public = f"status__in={PUBLIC}"

    def pick(values):
        return rng.choice(values)

    def each(make):
        return [make() for _ in range(VALUES)]

    def severity_page():
        severity = pick(["destroyed", "severely_damaged", "moderately_damaged", "possibly_damaged"])
        ours = f"/api/v1/damage-reports/?severity={severity}&page_size=100"
        return ours, f"{table}.json?severity={severity}&{public}&_size=100&_shape=objects", ours

    def cause_at_certainty():
        (slug, cause), certainty = pick(data["causes"]), pick(["high", "medium", "low", "negligible"])
        return (
            f"/api/v1/damage-reports/?cause={slug}&certainty={certainty}&page_size=50",
            f"{table}.json?cause_id={cause}&certainty={certainty}&{public}&_size=50&_shape=objects",
            None,
        )

    def ordered():
        name, sign = pick(list(ORDERINGS)), pick(["", "-"])
        sort = "_sort_desc" if sign else "_sort"
        return (
            f"/api/v1/damage-reports/?ordering={sign}{name}&page_size=50",
            f"{table}.json?{sort}={ORDERINGS[name]}&{public}&_size=50&_shape=objects",
            None,
        )

    def filtered_and_ordered():
        (slug, cause), sign = pick(data["causes"]), pick(["", "-"])
        sort = "_sort_desc" if sign else "_sort"
        return (
            f"/api/v1/damage-reports/?cause={slug}&ordering={sign}occurred&page_size=50",
            f"{table}.json?cause_id={cause}&{sort}=occurred_earliest&{public}&_size=50&_shape=objects",
            None,
        )

    def deep_page():
        # Datasette's table pages go forward by keyset only: the same page by offset through its SQL endpoint.
        page = rng.randint(100, data["public_reports"] // 50 - 1)
        sql = (
            "select * from records_damagereport where status in ('reported', 'verified', 'disputed', 'retracted') "
            f"order by slug, id limit 50 offset {(page - 1) * 50}"
        )
        return (
            f"/api/v1/damage-reports/?ordering=slug&page={page}&page_size=50",
            f"/{db}.json?sql={quote(sql)}&_shape=objects",
            None,
        )

    def site_reports():
        slug, site = pick(data["sites"])
        return (
            f"/api/v1/damage-reports/?site={slug}&page_size=100",
            f"{table}.json?site_id={site}&{public}&_size=100&_shape=objects",
            None,
        )

    def sites_in_country():
        country = pick(data["countries"])
        return (
            f"/api/v1/sites/?country={country}&page_size=50",
            f"/{db}/records_site.json?country={country}&_size=50&_shape=objects",
            None,
        )

    def site_record():
        slug, site = pick(data["sites"])
        return f"/api/v1/sites/{slug}/", f"/{db}/records_site/{site}.json?_shape=objects", None

    def report_record():
        slug, report = pick(data["reports"])
        return f"/api/v1/damage-reports/{slug}/", f"{table}/{report}.json?_shape=objects", None

    def site_csv():
        slug, site = pick(data["sites"])
        return (
            f"/api/v1/damage-reports/?site={slug}&format=csv",
            f"{table}.csv?site_id={site}&{public}&_size=max",
            None,
        )

    return {
        "list by severity (the limit's page)": each(severity_page),
        "a cause at a certainty": each(cause_at_certainty),
        "ordered": each(ordered),
        "a cause, newest or oldest first": each(filtered_and_ordered),
        "a page deep in the list": each(deep_page),
        "a site's reports": each(site_reports),
        "sites in a country": each(sites_in_country),
        "a site's record": each(site_record),
        "a report's record": each(report_record),
        "a site's reports as CSV": each(site_csv),
    }


class Client:
    """One keep-alive connection to a server, reopened if the server closes it."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def get(self, path):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, body
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def check(client, paths, name):
    """Every path answers 200 (which also warms the server up)."""
    for path in paths:
        status, body = client.get(path)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status}: {body[:300]!r}")


def shape_median(client, paths, seconds):
    """Median milliseconds of the paths asked in turn, one at a time, for `seconds`."""
    times, deadline, index = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline or len(times) < len(paths):
        started = time.perf_counter()
        client.get(paths[index % len(paths)])
        times.append((time.perf_counter() - started) * 1000)
        index += 1
    return statistics.median(times), len(times)


def wrk_mix(port, paths, connections, duration):
    """Requests a second over the mix's paths, cycled through by every wrk connection (bench/mix.lua)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        result = subprocess.run(
            ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s"]
            + ["-s", str(run.BENCH / "mix.lua"), f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            check=True,
            cwd=run.ROOT,
            env={**os.environ, "MIX_PATHS": listing.name},
        )
    finally:
        os.unlink(listing.name)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def interleave(by_shape):
    """The shapes' paths taken in turn: shape 1's first, shape 2's first, ..., shape 1's second, ..."""
    return [path for row in zip(*by_shape.values(), strict=True) for path in row]


def start_ours_and_limit(env, workers):
    return {
        "ours": run.gunicorn("ours", env, "heritage.settings", 1, workers=workers, port=PORTS["ours"]),
        "limit": run.gunicorn("limit", env, "bench.limit_settings", 1, workers=workers, port=PORTS["limit"]),
    }


def stop(servers):
    for process in servers.values():
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def arguments(description):
    """The command line of a benchmark that asks shapes of question and a mix of them (this one, bench/search.py)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3, help="seconds per shape and server for the medians")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run of the mix")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    return parser.parse_args()


def main():
    args = arguments(__doc__)
    env = run.database_env(args)
    db_path = run.sqlite_path(env)
    if db_path is None:
        raise SystemExit("the mix compares with Datasette, which reads SQLite only: leave DATABASE_URL unset")
    run.build_database(args, env)
    data = sample(env)
    by_shape = shapes(data, Path(db_path).stem)
    results = {"machine": run.machine(), "load_before": run.load_average(), "shapes": {}, "mix": {}}

    servers = {**start_ours_and_limit(env, 1), "datasette": run.datasette(db_path, port=PORTS["datasette"])}
    try:
        clients = {name: Client(port) for name, port in PORTS.items()}
        run.wait_for(f"http://127.0.0.1:{PORTS['ours']}/api/v1/")
        run.wait_for(f"http://127.0.0.1:{PORTS['datasette']}/-/versions.json")
        for number, server in enumerate(("ours", "datasette", "limit")):
            for rows in by_shape.values():
                paths = [row[number] for row in rows if row[number] is not None]
                if paths:
                    check(clients[server], paths, server)
        ours, _, limit = by_shape["list by severity (the limit's page)"][0]
        run.check_limit_matches(f"http://127.0.0.1:{PORTS['ours']}{ours}", f"http://127.0.0.1:{PORTS['limit']}{limit}")
        run.log("every URL answers 200, and the limit gives our body")
        for name, rows in by_shape.items():
            results["shapes"][name] = {}
            for number, server in enumerate(("ours", "datasette", "limit")):
                paths = [row[number] for row in rows if row[number] is not None]
                if paths:
                    median, count = shape_median(clients[server], paths, args.seconds)
                    results["shapes"][name][server] = {"p50_ms": median, "requests": count}
            run.log(f"{name}: " + ", ".join(f"{k} {v['p50_ms']:.1f} ms" for k, v in results["shapes"][name].items()))
        for client in clients.values():
            client.close()
        mixes = {"ours": interleave({k: [r[0] for r in v] for k, v in by_shape.items()})}
        mixes["datasette"] = interleave({k: [r[1] for r in v] for k, v in by_shape.items()})
        for connections in (1, 4):
            if connections == 4:
                # One worker per core for ours (and the limit, unused by the mix), as production runs.
                stop({name: servers.pop(name) for name in ("ours", "limit")})
                servers.update(start_ours_and_limit(env, os.cpu_count()))
                run.wait_for(f"http://127.0.0.1:{PORTS['ours']}/api/v1/")
            for server, paths in mixes.items():
                wrk_mix(PORTS[server], paths, connections, max(2, args.duration // 3))  # warm-up
                results["mix"][f"{server}@{connections}"] = wrk_mix(PORTS[server], paths, connections, args.duration)
                run.log(f"mix, {server}, {connections} connection(s): {results['mix'][f'{server}@{connections}']}")
        results["load_after"] = run.load_average()
    finally:
        stop(servers)
    print(report(results, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def report(results, args):
    lines = [
        f"Mix: {args.sites} sites, {args.reports} damage reports (seed {args.seed}); {results['machine']}, "
        f"{platform.platform()}; load average {results['load_before']:.1f} before, {results['load_after']:.1f} "
        f"after; {VALUES} URLs a shape; medians over {args.seconds:g} s a shape and server, one connection, one "
        "worker.",
        "",
        "| shape | ours ms | limit ms | Datasette ms | ours / limit | ours / Datasette | goal | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, measured in results["shapes"].items():
        ours, peer, limit = (measured.get(key, {}).get("p50_ms") for key in ("ours", "datasette", "limit"))
        if limit is not None:
            goal, met = "<= 1.5x the limit", ours / limit <= 1.5
        else:
            goal, met = "<= 3x Datasette", ours / peer <= 3
        lines.append(
            f"| {name} | {ours:.1f} | {'' if limit is None else f'{limit:.1f}'} | {peer:.1f} | "
            f"{'' if limit is None else f'{ours / limit:.2f}x'} | {ours / peer:.2f}x | {goal} | "
            f"{'yes' if met else 'NO'} |"
        )
    lines += ["", *mix_table(results["mix"], "all shapes")]
    return "\n".join(lines)


def mix_table(measured, label):
    """The lines of a mix's table: ours and Datasette's requests a second at 1 and 4 connections, against the goal."""
    lines = ["| mix | conns | ours req/s | Datasette req/s | ours / Datasette | goal >= 1x |", "| --- " * 6 + "|"]
    for connections in (1, 4):
        ours, peer = measured[f"ours@{connections}"], measured[f"datasette@{connections}"]
        ratio = ours["rps"] / peer["rps"] if peer["rps"] else float("nan")
        errors = ours["errors"] + peer["errors"]
        lines.append(
            f"| {label} | {connections} | {ours['rps']:.0f} | {peer['rps']:.0f} | {ratio:.2f}x | "
            f"{'yes' if ratio >= 1 else 'NO'}{f' ({errors} errors)' if errors else ''} |"
        )
    return lines


if __name__ == "__main__":
    main()
