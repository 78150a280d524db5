"""EDTF dates for synthetic records, drawn from a finite pool whose strings are each parsed once."""

import bisect
import datetime

from heritage.records.dates import parse_edtf_bounds


class DatePool:
    """
    A fixed set of EDTF strings of each shape, with their bounds from `parse_edtf_bounds`.

    About 400 distinct strings spread over the conflict years keep the reports varied, each parsed once; a seed's
    records are drawn from this pool, so its size and shapes are part of what a seed means.
    """

    FIRST, LAST = datetime.date(2011, 1, 1), datetime.date(2024, 12, 31)

    def __init__(self, rng):
        self.rng = rng
        self._bounds = {}
        span = (self.LAST - self.FIRST).days
        days = sorted(self.FIRST + datetime.timedelta(days=n) for n in rng.sample(range(span + 1), 150))
        months = sorted(
            {(d.year, d.month) for d in (self.FIRST + datetime.timedelta(rng.randrange(span)) for _ in range(60))}
        )
        self.days = [d.isoformat() for d in days]
        self.months = [f"{y:04d}-{m:02d}" for y, m in months]
        self.years = [str(y) for y in range(self.FIRST.year, self.LAST.year + 1)]
        # Years of designations (inscriptions, register entries), long before the conflict years.
        self.old_years = sorted(str(y) for y in rng.sample(range(1950, 2011), 16))
        # Atoms sorted by their earliest bound, to pick an interval's end after its start.
        self.atoms = sorted(self.days + self.months, key=lambda text: self.bounds(text))
        self.atom_starts = [self.bounds(text)[0] for text in self.atoms]
        self.shapes = {
            "day": self.days,
            "month": self.months,
            "year": self.years,
            "approximate": [f"{t}~" for t in rng.sample(self.months, 20) + rng.sample(self.days, 12)]
            + [f"{y}~" for y in rng.sample(self.years, 4)],
            "uncertain": [f"{t}?" for t in rng.sample(self.days, 10) + rng.sample(self.months, 6)],
            "interval": [self._interval() for _ in range(70)],
            "open": [f"{t}/.." for t in rng.sample(self.atoms, 15)] + [f"../{t}" for t in rng.sample(self.atoms, 5)],
        }
        for texts in self.shapes.values():
            for text in texts:
                self.bounds(text)

    def bounds(self, text):
        """(earliest, latest) of an EDTF string, parsed once per distinct string."""
        try:
            return self._bounds[text]
        except KeyError:
            result = self._bounds[text] = parse_edtf_bounds(text)
            return result

    def later_atom(self, after, within=40):
        """An atom (day or month) that starts after the date `after`, at most `within` atoms later."""
        first = bisect.bisect_right(self.atom_starts, after)
        if first >= len(self.atoms):
            return None
        return self.atoms[self.rng.randrange(first, min(first + within, len(self.atoms)))]

    def _interval(self):
        rng = self.rng
        while True:
            start = rng.choice(self.atoms[: len(self.atoms) - 5])
            end = self.later_atom(self.bounds(start)[1], within=30)
            if end is None:
                continue
            if rng.random() < 0.3:
                start = f"{start}~"
            return f"{start}/{end}"
