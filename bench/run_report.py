"""The tables bench/run.py prints: each server's latencies and rates, and the targets met or not."""


def report(results, args):
    lines = [
        f"Benchmark: {args.sites} sites, {args.reports} damage reports (seed {args.seed}); {results['machine']}; "
        f"medians of {args.rounds} rounds of {args.duration} s; gunicorn: 1 worker, {args.threads} thread(s).",
        "",
        "| server | conns | p50 ms | p95 ms | req/s | errors |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, stats in results["list"].items():
        name, connections = key.split("@")
        lines.append(
            f"| {name} | {connections} | {stats['p50_ms']:.1f} | {stats['p95_ms']:.1f} | {stats['rps']:.0f} | "
            f"{stats['errors']} |"
        )
    lines += ["", "| target | conns | value | goal | met |", "| --- | --- | --- | --- | --- |"]

    def target(name, connections, value, goal, met):
        lines.append(f"| {name} | {connections} | {value} | {goal} | {'yes' if met else 'NO'} |")

    for connections in (1, 4):
        ours, limit = results["list"][f"ours@{connections}"], results["list"][f"limit@{connections}"]
        ratio = ours["p50_ms"] / limit["p50_ms"]
        target("median latency ours / limit", connections, f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)
        peer = results["list"].get(f"datasette@{connections}")
        if peer:
            ratio = ours["rps"] / peer["rps"]
            target("req/s ours / Datasette", connections, f"{ratio:.2f}x", ">= 1x", ratio >= 1)
    if "csv_all" in results:
        detail = results["site_detail@1"]
        first_byte = results["csv_all"]["first_byte_s"]
        growth = results["csv_rss_growth_mb"]
        target("CSV of all reports: first byte", 1, f"{first_byte:.3f} s", "< 1 s", first_byte < 1)
        target("CSV worker peak RSS growth, 10k -> all", 1, f"{growth:.1f} MB", "< 50 MB", growth < 50)
        lines += [
            "",
            f"Site detail: p50 {detail['p50_ms']:.1f} ms, {detail['rps']:.0f} req/s, {detail['errors']} errors. "
            f"CSV 10k: {results['csv_10k']['total_s']:.2f} s, {results['csv_10k']['bytes'] / 1e6:.1f} MB. "
            f"CSV all: {results['csv_all']['total_s']:.2f} s, {results['csv_all']['bytes'] / 1e6:.1f} MB. "
            f"GeoJSON of all sites: {results['geojson_all_sites']['seconds']:.2f} s, "
            f"{results['geojson_all_sites']['bytes'] / 1e6:.1f} MB.",
            f"Export rates of the {results['public_reports']:,} public damage reports: CSV "
            f"{results['public_reports'] / results['csv_all']['total_s']:,.0f} rows/s, GeoJSON "
            f"{results['public_reports'] / results['geojson_all_reports']['seconds']:,.0f} rows/s "
            f"({results['geojson_all_reports']['bytes'] / 1e6:.1f} MB).",
        ]
    joined = [connections for connections in (1, 4) if f"datasette-joined@{connections}" in results["list"]]
    if joined:
        lines += ["", "| comparison (informational) | conns | value |", "| --- | --- | --- |"]
        for connections in joined:
            ours, peer = results["list"][f"ours@{connections}"], results["list"][f"datasette-joined@{connections}"]
            lines.append(
                f"| req/s ours / Datasette doing our page's work | {connections} | {ours['rps'] / peer['rps']:.2f}x |"
            )
    return "\n".join(lines)
