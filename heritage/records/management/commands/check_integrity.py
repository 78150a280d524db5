"""manage.py check_integrity: a numbered report on the live database; exits 1 when any check fails (for cron/CI)."""

import sys

from django.core.management.base import BaseCommand

from ...integrity import run_checks


class Command(BaseCommand):
    help = (
        "Check the record's integrity beyond what constraints enforce: quotes in their sources, EDTF bounds, "
        "citations, orphans. Prints a numbered report and exits 1 if any check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="Problems to list per check (default 20).")

    def handle(self, *args, limit, **options):
        results = run_checks()
        for result in results:
            status = self.style.SUCCESS("ok") if result.ok else self.style.ERROR(f"FAILED ({len(result.problems)})")
            self.stdout.write(f"{result.number}. {result.title}: {status}, {result.checked} checked")
            for problem in result.problems[:limit]:
                self.stdout.write(f"   - {problem}")
            if len(result.problems) > limit:
                self.stdout.write(f"   ... and {len(result.problems) - limit} more")
        failed = [result for result in results if not result.ok]
        if failed:
            self.stderr.write(f"{len(failed)} of {len(results)} checks failed.")
            sys.exit(1)
        self.stdout.write(f"All {len(results)} checks passed.")
