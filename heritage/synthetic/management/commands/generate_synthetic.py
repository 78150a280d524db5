"""`manage.py generate_synthetic`: fill the database with synthetic records (see heritage/synthetic/)."""

import time

from django.core.management.base import BaseCommand, CommandError

from heritage.synthetic.generation import MAX_REPORTS, MAX_SITES, generate
from heritage.synthetic.marks import CuratedDataPresent, SyntheticDataPresent


class Command(BaseCommand):
    help = (
        "Fill the database with realistic, deterministic synthetic records (slugs start with 'syn-') for "
        "benchmarks. Refuses to run against a database holding curated data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sites", type=int, default=10000, help=f"Number of sites, 1 to {MAX_SITES:,} (default: 10000)."
        )
        parser.add_argument(
            "--reports",
            type=int,
            default=200000,
            help=f"Number of damage reports, up to {MAX_REPORTS:,} (default: 200000).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic records even though the database holds curated (non-synthetic) records.",
        )

    def handle(self, *args, sites, reports, seed, force, verbosity, **options):
        if not 1 <= sites <= MAX_SITES:
            raise CommandError(f"--sites must be from 1 to {MAX_SITES:,}.")
        if not 0 <= reports <= MAX_REPORTS:
            raise CommandError(f"--reports must be from 0 to {MAX_REPORTS:,}.")
        started = time.perf_counter()
        try:
            counts = generate(sites=sites, reports=reports, seed=seed, force=force, progress=verbosity >= 1)
        except (CuratedDataPresent, SyntheticDataPresent) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if verbosity >= 1:
            if verbosity >= 2:
                for label, count in sorted(counts.items()):
                    self.stdout.write(f"  {label:<40} {count:>9,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {sum(counts.values()):,} synthetic rows (seed {seed}) in {elapsed:.1f} s."
                )
            )
