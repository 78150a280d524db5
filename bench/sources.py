"""
Sources: how fast a text is taken in, read back and cited, on the benchmark's synthetic database.

    .venv/bin/python bench/sources.py                      # 10,000 sites, 200,000 reports (built by bench/run.py)
    .venv/bin/python bench/sources.py --sites 1000 --reports 20000 --rounds 3   # a quick look

In this process, through Django's whole stack with its test client (as bench/fast_path.py): no server, no network.
Measured, each as the median over --rounds rounds:

- the reader: a synthetic assessment's admin page, its text (about 100 KB) with every citation highlighted (about
  1,100) and the records each supports;
- the text: `GET /api/v1/sources/<slug>/text/`;
- a quote that does not occur: the closest passage found in that text (rapidfuzz), per quote;
- intake: `POST /api/v1/sources/` of a 100 KB text as JSON, and of a 40-page PDF as multipart (extraction with
  pypdf), each rolled back after it is measured, so the database is left as it was.

Markdown on stdout, progress on stderr; `--json FILE` writes the numbers too. Nothing here is part of the suite.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import run as bench_run  # noqa: E402  (bench/run.py: builds and reuses the benchmark's database)
from documents import pdf  # noqa: E402  (tests/documents.py: PDFs made in memory)


def timed(function, count):
    """Milliseconds per call of `function`, over `count` calls."""
    started = time.perf_counter()
    for _ in range(count):
        function()
    return (time.perf_counter() - started) * 1000 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    bench_run.setup_django_here(args)
    from django.contrib.auth.models import Permission, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from heritage.accounts.services import issue_token
    from heritage.records.models import Source
    from heritage.records.texts import closest_passage

    source = (
        Source.objects.annotate(n=Count("citations")).filter(slug__startswith="syn-source-0").order_by("-n").first()
    )
    text = source.text
    user, _ = User.objects.get_or_create(username="bench-curator", defaults={"is_staff": True})
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="records"))
    _, key = issue_token(user=user, name="bench")
    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    reader_url = f"/admin/records/source/{source.pk}/change/"
    text_url = f"/api/v1/sources/{source.slug}/text/"
    quote = text[len(text) // 2 : len(text) // 2 + 120].replace("a", "o")  # alike, but nowhere in the text
    big_text = (text * (1 + 100_000 // len(text)))[:100_000]
    pages = pdf(*[text[n * 80 : n * 80 + 80].replace("\n", " ") for n in range(40 * 45)])

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def post_text():
        with transaction.atomic():
            response = api.post(
                "/api/v1/sources/",
                {"slug": "bench-text", "title": "Bench", "kind": "report", "language": "en", "text": big_text + "!"},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content[:300]
            transaction.set_rollback(True)

    def post_pdf():
        with transaction.atomic():
            upload = SimpleUploadedFile("bench.pdf", pages, content_type="application/pdf")
            response = api.post(
                "/api/v1/sources/",
                {"slug": "bench-pdf", "title": "Bench", "kind": "report", "language": "en", "file": upload},
            )
            assert response.status_code == 201, response.content[:300]
            transaction.set_rollback(True)

    shapes = {
        f"reader page ({source.citations.count():,} citations, {len(text) // 1000} K characters)": (
            lambda: get(admin, reader_url),
            5,
        ),
        "text, GET .../text/": (lambda: get(api, text_url), 50),
        "closest passage of a quote that does not occur": (lambda: closest_passage(text, quote), 20),
        "intake: POST a 100 K character text (JSON)": (post_text, 5),
        f"intake: POST a {len(pages) // 1024} KB, 40-page PDF (multipart)": (post_pdf, 2),
    }
    for function, _ in shapes.values():  # warm up
        function()
    times = {name: [] for name in shapes}
    for number in range(args.rounds):
        bench_run.log(f"round {number + 1} of {args.rounds}")
        for name, (function, count) in shapes.items():
            times[name].append(timed(function, count))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print("| measure | median ms |")
    print("|---|---|")
    for name, value in medians.items():
        print(f"| {name} | {value:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"medians_ms": medians, "rounds": args.rounds}))


if __name__ == "__main__":
    main()
