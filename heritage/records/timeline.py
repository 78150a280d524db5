"""
A site's timeline as server-rendered SVG: periods, designations, occupations, events and damage reports on one axis.

The scale is a *broken* (segmented) axis. A site's record mixes spans of centuries thousands of years ago (remains
dating from 2000 BCE) with events days apart (an occupation of ten months in 2015-16). On one linear axis the
modern record would shrink to a pixel; on a logarithmic axis of "years before present" the distances stop meaning
anything a reader can check (and the choice of "present" distorts the recent past). Instead the dated records are
clustered (each record's whole extent kept together) wherever a gap of more than BREAK_GAP_YEARS separates them;
each cluster gets its own linear segment, and segments are separated by a visible break (//). Within a segment,
lengths are honest and comparable; across a break, only order is. Bars that span a break (a designation from 1980
that still holds) are drawn through it.

Uncertainty is drawn, not hidden: the faint bar is the widest reading (earliest start to latest end), the solid bar
the certain core (latest start to earliest end), as PeriodO and EDTF bounds give them. An open end runs to the
axis's edge with an arrow. Records with no date are listed under the chart.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape

BREAK_GAP_YEARS = 25
WIDTH = 960
LABEL_WIDTH = 250
RIGHT_MARGIN = 20
BREAK_WIDTH = 16
ROW_HEIGHT = 22
GROUP_GAP = 8
AXIS_HEIGHT = 34
MIN_BAR = 5

KINDS = {
    # kind: (group title, colour)
    "period": ("Periods", "#8c6d31"),
    "designation": ("Designations", "#31708f"),
    "occupation": ("Occupations", "#a94442"),
    "event": ("Events", "#555"),
    "damage": ("Damage reports", "#d9534f"),
}


def year_of(day):
    """A date as a fractional astronomical year (2016-03-27 -> 2016.23)."""
    if day is None:
        return None
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days if day.year < 9999 else 365
    return day.year + (day - start).days / length


def end_of(day):
    """The end of a date's day as a fractional year, so a one-day record has a width."""
    return None if day is None else year_of(day) + 1 / 365.25


@dataclass
class Item:
    kind: str
    label: str
    url: str
    # Widest and certain readings; None for an open or unknown end.
    outer_start: float | None
    outer_end: float | None
    inner_start: float | None = None
    inner_end: float | None = None
    # "ongoing": no end because it still holds (a designation, an occupation): drawn to the axis's right edge.
    ongoing: bool = False

    @property
    def dated(self):
        return self.outer_start is not None or self.outer_end is not None

    def points(self):
        return [p for p in (self.outer_start, self.outer_end, self.inner_start, self.inner_end) if p is not None]


@dataclass
class Segment:
    start: float
    end: float
    x0: float = 0
    width: float = 0
    items: int = 0
    ticks: list = field(default_factory=list)

    def x(self, year):
        return self.x0 + (year - self.start) / (self.end - self.start) * self.width


def admin_url(obj):
    return reverse(f"admin:records_{obj._meta.model_name}_change", args=[obj.pk])


def items_for_site(site, *, site_periods, designations, occupations, events, damage_reports):
    """The timeline's items, from records the caller has fetched (so the dossier runs each query once)."""
    items = []
    for site_period in site_periods:
        period = site_period.period
        items.append(
            Item(
                "period",
                f"{period.name} ({period.label or period.years_display})",
                admin_url(period),
                outer_start=period.start_earliest,
                outer_end=period.stop_latest + 1,
                inner_start=period.start_latest,
                inner_end=period.stop_earliest + 1,
            )
        )
    for designation in designations:
        items.append(
            Item(
                "designation",
                f"{designation.get_kind_display()} ({designation.valid_from}–{designation.valid_to or 'now'})",
                admin_url(designation),
                outer_start=year_of(designation.valid_from_earliest),
                inner_start=year_of(designation.valid_from_latest),
                inner_end=year_of(designation.valid_to_earliest),
                outer_end=end_of(designation.valid_to_latest),
                ongoing=not designation.valid_to,
            )
        )
    for occupation in occupations:
        items.append(
            Item(
                "occupation",
                f"{occupation.occupier} ({occupation.started or '?'}–{occupation.ended or 'ongoing'})",
                admin_url(occupation),
                outer_start=year_of(occupation.started_earliest),
                inner_start=year_of(occupation.started_latest),
                inner_end=year_of(occupation.ended_earliest),
                outer_end=end_of(occupation.ended_latest),
                ongoing=not occupation.ended,
            )
        )
    for event in events:
        items.append(
            Item(
                "event",
                f"{event.title} ({event.occurred or 'undated'})",
                admin_url(event),
                outer_start=year_of(event.occurred_earliest),
                outer_end=end_of(event.occurred_latest),
            )
        )
    for report in damage_reports:
        when = report.occurred or ("during occupation" if report.occupation_id else "undated")
        items.append(
            Item(
                "damage",
                f"{report.get_severity_display()}: {report.cause} ({when})",
                admin_url(report),
                outer_start=year_of(report.occurred_earliest),
                outer_end=end_of(report.occurred_latest),
            )
        )
    return items


def build_segments(items, plot_x0, plot_width):
    """Cluster the dated records into segments separated by gaps of more than BREAK_GAP_YEARS; lay them out."""
    # Cluster each item's whole extent, not its end points, so that no record's own span is ever broken.
    extents = sorted((min(item.points()), max(item.points())) for item in items if item.points())
    if not extents:
        return []
    clusters = [list(extents[0])]
    for start, end in extents[1:]:
        if start - clusters[-1][1] > BREAK_GAP_YEARS:
            clusters.append([start, end])
        else:
            clusters[-1][1] = max(clusters[-1][1], end)
    segments = []
    for start, end in clusters:
        pad = max(0.5, (end - start) * 0.05)
        segments.append(Segment(start - pad, end + pad))
    for item in items:
        touched = {i for i, s in enumerate(segments) for p in item.points() if s.start <= p <= s.end}
        for i in touched:
            segments[i].items += 1
    # Width follows how much happens in a segment (a busy decade gets more room than one lone date), with a floor so
    # that no segment is unreadably narrow.
    available = plot_width - BREAK_WIDTH * (len(segments) - 1)
    weights = [max(1, s.items) for s in segments]
    floor = 0.15 if len(segments) > 1 else 1
    shares = [max(floor, w / sum(weights)) for w in weights]
    x = plot_x0
    for segment, share in zip(segments, shares, strict=True):
        segment.x0 = x
        segment.width = available * share / sum(shares)
        segment.ticks = ticks(segment)
        x += segment.width + BREAK_WIDTH
    return segments


def tick_label(year):
    if year <= 0:
        return f"{1 - year} BCE"
    return str(year) if year >= 1000 else f"{year} CE"


def ticks(segment):
    """Round-numbered ticks for a segment: years CE at multiples of the step, BCE years likewise (2000 BCE = -1999)."""
    room = max(1, int(segment.width // 55))
    span = segment.end - segment.start
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = candidate
        if span / candidate <= room:
            break
    found = []
    for k in range(math.floor(segment.start / step) - 1, math.ceil(segment.end / step) + 2):
        year = k * step if k * step > 0 else 1 - abs(k) * step
        if segment.start <= year <= segment.end:
            found.append((segment.x(year), tick_label(year)))
    return sorted(set(found))


def segment_of(segments, year):
    for segment in segments:
        if segment.start <= year <= segment.end:
            return segment
    # Cannot happen for points the segments were built from; the nearest end segment, defensively.
    return segments[0] if year < segments[0].start else segments[-1]


def extent(segments, item):
    """
    The x range of an item's widest reading. An unknown end (EDTF "..", or an empty side of "/") runs to the edge of
    the segment holding the known end: the record says no more than "before" or "after" that date. An ongoing record
    runs to the axis's right edge.
    """
    known = item.points()
    if item.outer_start is not None:
        x1 = segment_of(segments, item.outer_start).x(item.outer_start)
    else:
        x1 = segment_of(segments, min(known)).x0
    if item.outer_end is not None:
        x2 = segment_of(segments, item.outer_end).x(item.outer_end)
    elif item.ongoing:
        x2 = segments[-1].x0 + segments[-1].width
    else:
        segment = segment_of(segments, max(known))
        x2 = segment.x0 + segment.width
    return x1, x2


def x_of(segments, year):
    return segment_of(segments, year).x(year)


def render_svg(items):
    """The SVG markup (a string of escaped, safe markup) for the items; an empty string when nothing is dated."""
    dated = [item for item in items if item.dated]
    plot_x0 = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    segments = build_segments(dated, plot_x0, plot_width)
    if not segments:
        return ""
    rows = []
    y = AXIS_HEIGHT
    for kind, (title, colour) in KINDS.items():
        group = [item for item in dated if item.kind == kind]
        if not group:
            continue
        rows.append(f'<text class="group" x="4" y="{y + 14}" font-weight="bold">{escape(title)}</text>')
        y += ROW_HEIGHT
        for item in group:
            x1, x2 = extent(segments, item)
            if x2 - x1 < MIN_BAR:
                middle = (x1 + x2) / 2
                x1, x2 = middle - MIN_BAR / 2, middle + MIN_BAR / 2
            label = escape(item.label)
            parts = [
                f'<a href="{escape(item.url)}" data-kind="{kind}"><title>{label}</title>',
                f'<text x="14" y="{y + 14}" class="label">{escape(_shorten(item.label))}</text>',
                f'<rect x="{x1:.1f}" y="{y + 4}" width="{x2 - x1:.1f}" height="12" fill="{colour}" opacity="0.35"/>',
            ]
            if item.inner_start is not None or item.inner_end is not None:
                i1 = x1 if item.inner_start is None else x_of(segments, item.inner_start)
                i2 = x2 if item.inner_end is None else x_of(segments, item.inner_end)
                if i2 > i1:
                    parts.append(f'<rect x="{i1:.1f}" y="{y + 4}" width="{i2 - i1:.1f}" height="12" fill="{colour}"/>')
            else:
                parts.append(f'<rect x="{x1:.1f}" y="{y + 4}" width="{x2 - x1:.1f}" height="12" fill="{colour}"/>')
            if item.outer_start is None:
                parts.append(f'<path d="M{x1:.1f},{y + 2} l-8,8 l8,8 z" fill="{colour}"/>')
            if item.outer_end is None:
                parts.append(f'<path d="M{x2:.1f},{y + 2} l8,8 l-8,8 z" fill="{colour}"/>')
            parts.append("</a>")
            rows.append("".join(parts))
            y += ROW_HEIGHT
        y += GROUP_GAP
    height = y + 4
    axis = []
    for index, segment in enumerate(segments):
        end = segment.x0 + segment.width
        axis.append(
            f'<line x1="{segment.x0:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{end:.1f}" y2="{AXIS_HEIGHT - 6}" stroke="#333"/>'
        )
        for x, text in segment.ticks:
            axis.append(
                f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 10}" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>'
                f'<text x="{x:.1f}" y="{AXIS_HEIGHT - 14}" text-anchor="middle" class="tick">{escape(text)}</text>'
            )
        if index < len(segments) - 1:
            # The break: two slanted strokes in the gap between segments.
            bx = end + BREAK_WIDTH / 2
            axis.append(
                f'<g class="axis-break" stroke="#333"><line x1="{bx - 5:.1f}" y1="{AXIS_HEIGHT - 1}" '
                f'x2="{bx - 1:.1f}" y2="{AXIS_HEIGHT - 11}"/><line x1="{bx + 1:.1f}" y1="{AXIS_HEIGHT - 1}" '
                f'x2="{bx + 5:.1f}" y2="{AXIS_HEIGHT - 11}"/></g>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="site-timeline" role="img" '
        f'aria-label="Timeline of the site" width="100%" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="sans-serif" font-size="12">' + "".join(axis) + "".join(rows) + "</svg>"
    )


def _shorten(text, length=38):
    return text if len(text) <= length else text[: length - 1] + "…"
