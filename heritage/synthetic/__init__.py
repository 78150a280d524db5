"""
Synthetic data at scale: realistic, deterministic records across every model, for benchmarks and load tests.

`generate(sites=..., reports=..., seed=...)` (generation.py) fills the database with invented sites, their names,
structures, designations and periods (places.py); actors and their aliases, occupations with the events that began
and ended them, their participants and reported figures (conflict.py); threats, and damage reports whose dates are
EDTF strings of every shape the record uses (damage.py, dates.py). The words come from vocabulary.py; the rows are
written by rows.py. Every record cites a passage of a synthetic `Source` whose full text it holds, so each citation's
quote really stands at its offsets.

Everything it writes is marked: every slug starts with `syn-` (`SYNTHETIC_PREFIX`), and the sources say in their
title and notes that they are synthetic. The same seed and sizes give the same content, row for row (primary keys
and timestamps aside). Nothing here is a fact about a real place or party: names are made up from syllables.

Speed comes from bulk inserts inside one transaction: `bulk_create` (the many-to-many through tables directly), and
`executemany` of plain tuples for the three tables with a row per damage report (`RowWriter`, which says why); and
from parsing each distinct EDTF string once: the dates are drawn from a finite pool, whose bounds come from
`parse_edtf_bounds`, the function `pre_save` uses (bulk inserts send no pre_save, so the generator sets the bounds).

A tool for benchmarks and load tests, not part of the record: `manage.py generate_synthetic` (this app's command).
"""
