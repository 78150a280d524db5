"""
Load test: concurrent readers and curators against gunicorn and PostgreSQL, then a check that no write was lost.

    .venv/bin/python bench/load.py                      # 60 s, 16 readers, 4 curators
    .venv/bin/python bench/load.py --duration 10        # a quick look

What it does, all on 127.0.0.1:

1. (Re)creates the PostgreSQL database `heritage_rel_load` (server from DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432; only the database name is replaced), migrates it, loads the Palmyra fixtures
   and `generate_synthetic` rows (--sites/--reports), and makes a curator account (add, change, view) with a token.
2. Serves the app with gunicorn (gthread; DEBUG off; the API throttles raised so that they do not refuse the load).
3. For --duration seconds runs --readers threads mixing list, detail, filter, CSV and GeoJSON requests, and
   --curators threads that create damage reports (one at a time, or three in an atomic batch) and edit them: each
   edit reads the record, appends a unique marker to the description it read, and PATCHes it with If-Match; on 412 it
   re-reads and retries. Curators edit a small shared pool of reports too, so that their edits really collide.
4. Stops the load and the server and checks the database against what the server acknowledged: every acknowledged
   create (201) exists once; every acknowledged edit's marker is in its record's description exactly once; no refused
   or unanswered edit left its marker; nothing else was created.

It reports requests served, errors (5xx, unexpected statuses, broken connections), p50/p99 latency, and the write
check, and exits non-zero unless errors and lost writes are both zero. Not part of the unit suite.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "heritage_rel_load"
HOST = "127.0.0.1"
MAX_RETRIES = 20
FIXTURES = ["fixtures/eamena-vocabularies.json", "fixtures/vocabularies.json", "fixtures/palmyra.json"]


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- setting up -----------------------------------------------------------------------------------------------------


def load_database_url():
    """DATABASE_URL's server, with the database name replaced by ours: this script never touches another database."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench/load.py needs PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/any")
    return urlunsplit(parts._replace(path=f"/{DB_NAME}")), urlunsplit(parts._replace(path="/postgres"))


def recreate_database(maintenance_url):
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def manage(env, *args, capture=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout


CREATE_CURATOR = """
from django.contrib.auth.models import Permission, User
from heritage.accounts.services import issue_token
user = User.objects.create_user("load-curator", password=None)
user.user_permissions.set(Permission.objects.filter(content_type__app_label="records",
                                                    codename__regex=r"^(add|change|view)_"))
print(issue_token(user=user, name='load test')[1])
"""


def prepare(args, env):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    # Synthetic rows first: generate_synthetic refuses to mix with curated records already present.
    manage(env, "loaddata", FIXTURES[0], "-v0")
    if args.reports:
        manage(env, "generate_synthetic", "--sites", str(args.sites), "--reports", str(args.reports), "-v0")
    manage(env, "loaddata", *FIXTURES, "-v0")
    return manage(env, "shell", "-c", CREATE_CURATOR, capture=True).strip().splitlines()[-1]


def start_server(args, env):
    server_env = {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        # The load is one IP and one account: throttles would refuse it, and refusing it is not what is measured.
        "API_ANON_RATE": "1000000/minute",
        "API_USER_RATE": "1000000/minute",
        "CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",  # the project's, with 500s' tracebacks on stderr
    }
    command = [str(VENV_BIN / "gunicorn"), "heritage.wsgi", "--bind", f"{HOST}:{args.port}"]
    command += ["--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads)]
    command += ["--log-level", "warning", "--timeout", "120"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Client(args.port).request("GET", "/api/v1/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- the clients ----------------------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection to 127.0.0.1; reconnects after a failure."""

    def __init__(self, port, token=None):
        self.port, self.token, self.connection = port, token, None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes). Raises OSError / HTTPException when the connection breaks."""
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if body is not None:
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


class Stats:
    """Latencies and outcomes of every request, by kind, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.errors = []

    def timed(self, client, kind, method, path, body=None, headers=None, expected=(200,)):
        started = time.perf_counter()
        try:
            status, response_headers, content = client.request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.errors.append(f"{kind} {method} {path}: {type(exc).__name__}: {exc}")
                self.statuses[kind]["exception"] += 1
            return None, {}, b""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.statuses[kind][status] += 1
            if status not in expected:
                self.errors.append(f"{kind} {method} {path}: {status} {content[:200]!r}")
        return status, response_headers, content


def reader(port, stats, deadline, slugs, seed):
    rng = random.Random(seed)
    client = Client(port)
    requests = [
        ("list", lambda: "/api/v1/damage-reports/?page_size=50"),
        ("list", lambda: f"/api/v1/sites/?page={rng.randint(1, 3)}"),
        ("detail", lambda: f"/api/v1/damage-reports/{rng.choice(slugs['damage'])}/"),
        ("detail", lambda: f"/api/v1/sites/{rng.choice(slugs['site'])}/"),
        ("filter", lambda: "/api/v1/damage-reports/?severity=destroyed&occurred_after=2015-01-01&page_size=20"),
        ("filter", lambda: "/api/v1/sites/?country=SY&has_damage=true&ordering=-name"),
        ("filter", lambda: f"/api/v1/damage-reports/?q={rng.choice(['temple', 'looting', 'load'])}"),
        ("csv", lambda: "/api/v1/damage-reports/?format=csv&severity=destroyed&site=palmyra"),
        ("csv", lambda: "/api/v1/sites/?format=csv&country=SY"),
        ("geojson", lambda: "/api/v1/sites/?format=geojson&country=IQ"),
    ]
    while time.monotonic() < deadline:
        kind, path = rng.choice(requests)
        stats.timed(client, kind, "GET", path())


class Ledger:
    """What the server acknowledged, and what it refused or left unanswered, for the check afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created = []  # slugs answered 201
        self.unknown_creates = []  # slugs whose POST got no answer
        self.edits = defaultdict(list)  # slug -> markers answered 200
        self.refused = defaultdict(list)  # slug -> markers answered 412 (and given up, or retried under a new marker)
        self.unknown_edits = defaultdict(list)
        self.conflicts = 0
        self.gave_up = 0


def new_report(slug, marker):
    return {"slug": slug, "site": "palmyra", "cause": "looting", "severity": "destroyed", "certainty": "low",
            "occurred": "2016-03~", "description": marker}  # fmt: skip


def curator(port, token, stats, ledger, deadline, shared, number, seed):
    rng = random.Random(seed)
    client = Client(port, token)
    mine = []
    counter = 0

    def next_name():
        nonlocal counter
        counter += 1
        return f"load-c{number}-{counter}"

    while time.monotonic() < deadline:
        if not mine or rng.random() < 0.3:
            # Create: one report, or (one time in four) a batch of three.
            names = [next_name() for _ in range(3 if rng.random() < 0.25 else 1)]
            body = [new_report(name, f"[{name}]") for name in names]
            status, _, _ = stats.timed(
                client, "create", "POST", "/api/v1/damage-reports/", body if len(body) > 1 else body[0],
                expected=(201,),
            )  # fmt: skip
            with ledger.lock:
                if status == 201:
                    ledger.created.extend(names)
                elif status is None:  # no answer: it may or may not have been saved
                    ledger.unknown_creates.extend(names)
            if status == 201:
                mine.extend(names)
            continue
        slug = rng.choice(shared) if rng.random() < 0.5 else rng.choice(mine)
        edit(client, stats, ledger, slug, next_name())


def edit(client, stats, ledger, slug, marker_base):
    """Append a unique marker to the description as read, with If-Match; on 412 re-read and retry with a new one."""
    url = f"/api/v1/damage-reports/{slug}/"
    for attempt in range(MAX_RETRIES):
        status, headers, content = stats.timed(client, "read-for-edit", "GET", url)
        if status != 200:
            return
        description = json.loads(content)["description"]
        marker = f"<{marker_base}.{attempt}>"
        status, _, content = stats.timed(
            client, "edit", "PATCH", url, {"description": description + marker},
            headers={"If-Match": headers["ETag"]}, expected=(200, 412),
        )  # fmt: skip
        with ledger.lock:
            if status == 200:
                ledger.edits[slug].append(marker)
                return
            if status is None:
                ledger.unknown_edits[slug].append(marker)
                return
            ledger.refused[slug].append(marker)
            if status == 412:
                ledger.conflicts += 1
            else:
                return
    with ledger.lock:
        ledger.gave_up += 1


# --- checking -------------------------------------------------------------------------------------------------------


def check_writes(ledger, shared, database_url):
    """Compare the database with the ledger; returns a list of problems (empty: nothing lost or duplicated)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from heritage.records.models import DamageReport

    rows = dict(DamageReport.objects.filter(slug__startswith="load-").values_list("slug", "description"))
    rows.update(DamageReport.objects.filter(slug__in=shared).values_list("slug", "description"))
    problems = []
    created = Counter(ledger.created)
    problems += [f"create of {slug} acknowledged {n} times" for slug, n in created.items() if n > 1]
    problems += [f"acknowledged create {slug} is missing" for slug in created if slug not in rows]
    unexpected = {slug for slug in rows if slug.startswith("load-")} - set(created) - set(ledger.unknown_creates)
    problems += [f"{slug} exists but was never acknowledged" for slug in sorted(unexpected)]
    for slug, markers in ledger.edits.items():
        description = rows.get(slug, "")
        for marker in markers:
            count = description.count(marker)
            if count != 1:
                problems.append(f"acknowledged edit {marker} of {slug} is in the database {count} times")
    for slug, markers in ledger.refused.items():
        problems += [f"refused edit {m} of {slug} was applied" for m in markers if m in rows.get(slug, "")]
    return problems


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(args, stats, ledger, problems, elapsed):
    everything = [value for values in stats.latencies.values() for value in values]
    served = len(everything)
    lines = [
        f"load: {args.readers} readers + {args.curators} curators for {elapsed:.0f} s against gunicorn "
        f"({args.workers} workers x {args.threads} threads) and PostgreSQL, on 127.0.0.1",
        f"requests served: {served} ({served / elapsed:.0f}/s); errors: {len(stats.errors)}",
        f"latency: p50 {statistics.median(everything) * 1000:.0f} ms, p99 {percentile(everything, 0.99) * 1000:.0f} ms",
        "",
        f"{'kind':<14}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}  statuses",
    ]
    for kind in sorted(stats.latencies):
        values = stats.latencies[kind]
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(stats.statuses[kind].items(), key=str))
        lines.append(
            f"{kind:<14}{len(values):>9}{statistics.median(values) * 1000:>9.0f}"
            f"{percentile(values, 0.99) * 1000:>9.0f}  {statuses}"
        )
    edits = sum(len(markers) for markers in ledger.edits.values())
    lines += [
        "",
        f"writes acknowledged: {len(ledger.created)} creates, {edits} edits "
        f"({ledger.conflicts} conflicts answered 412 and retried, {ledger.gave_up} given up); "
        f"unanswered: {len(ledger.unknown_creates)} creates, {sum(map(len, ledger.unknown_edits.values()))} edits",
        f"lost or duplicated writes: {len(problems)}",
    ]
    lines += [f"  {problem}" for problem in problems[:20]]
    lines += [f"  error: {error}" for error in stats.errors[:20]]
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="Seconds of load (default 60).")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--curators", type=int, default=4)
    parser.add_argument("--sites", type=int, default=200, help="Synthetic sites beside the fixtures (default 200).")
    parser.add_argument("--reports", type=int, default=2000, help="Synthetic damage reports (default 2000; 0: none).")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    database_url, maintenance_url = load_database_url()
    # Static files collected as production collects them (WhiteNoise serves them, and warns at each start without).
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "heritage.settings"}
    env["STATIC_ROOT"] = str(ROOT / "bench" / ".data" / "static")
    log(f"creating {DB_NAME} and loading fixtures ...")
    recreate_database(maintenance_url)
    token = prepare(args, env)
    server = start_server(args, env)
    try:
        anonymous = Client(args.port)
        slugs = {
            kind: [
                row["slug"]
                for row in json.loads(anonymous.request("GET", f"/api/v1/{path}/?page_size=200")[2])["results"]
            ]
            for kind, path in (("damage", "damage-reports"), ("site", "sites"))
        }
        shared = slugs["damage"][:8]  # every curator edits these too: their edits collide
        stats, ledger = Stats(), Ledger()
        log(f"load for {args.duration:.0f} s ...")
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(target=reader, args=(args.port, stats, deadline, slugs, n)) for n in range(args.readers)
        ]
        threads += [
            threading.Thread(target=curator, args=(args.port, token, stats, ledger, deadline, shared, n, 1000 + n))
            for n in range(args.curators)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)
    problems = check_writes(ledger, shared, database_url)
    report(args, stats, ledger, problems, elapsed)
    sys.exit(1 if stats.errors or problems else 0)


if __name__ == "__main__":
    main()
