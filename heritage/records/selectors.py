"""
What a user reads, in one place: the records of each kind that `user` may see, as the API lists them and exports
them (each with what its representation needs joined or prefetched, in its default order), and what a site's
dossier shows in the admin, in a fixed number of queries.

Which records a user may see is each model's `visible_to(user)` (drafts only for those who may view them); the
coordinates they may see of a sensitive site, `Site.coordinates_for(user)`, and the location filters built on it,
`SiteQuerySet.located_within(..., user=)`. Everything here starts from `visible_to`.
"""

import itertools
from collections import defaultdict

from django.db.models import Count, F, Max, Prefetch, Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import (
    Actor,
    ActorIdentifier,
    Citation,
    DamageReport,
    Deletion,
    Designation,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
    Period,
    PeriodIdentifier,
    Release,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
)
from .models.base import CitedRecord
from .timeline import items_for_site, render_svg

# Each cited passage is shown with its source and who made the claim: fetched with the passages, not per passage.
# Never with the source's text, which can run to megabytes and would be repeated on every passage's row.
CITATIONS = Prefetch(
    "citations", queryset=Citation.objects.select_related("source", "attributed_to").defer("source__text")
)


def identifiers(model):
    """A record's identifiers in other registers, with their citations (`model`: SiteIdentifier...)."""
    return Prefetch("identifiers", queryset=model.objects.prefetch_related(CITATIONS))


def sites(user):
    """Heritage places, with their other names, protected statuses, periods, extents, identifiers and citations; by
    name."""
    return (
        Site.objects.visible_to(user)
        .prefetch_related(
            Prefetch("names", queryset=SiteName.objects.prefetch_related(CITATIONS)),
            Prefetch(
                "designations", queryset=Designation.objects.select_related("granted_by").prefetch_related(CITATIONS)
            ),
            Prefetch("site_periods", queryset=SitePeriod.objects.select_related("period").prefetch_related(CITATIONS)),
            Prefetch("extents", queryset=SiteExtent.objects.prefetch_related(CITATIONS)),
            identifiers(SiteIdentifier),
            CITATIONS,
        )
        .order_by("name", "pk")
    )


def periods(user):
    return (
        Period.objects.visible_to(user)
        .prefetch_related(identifiers(PeriodIdentifier), CITATIONS)
        .order_by("start_earliest", "stop_latest", "name", "pk")
    )


def actors(user):
    return (
        Actor.objects.visible_to(user)
        .select_related("parent")
        .prefetch_related("aliases", identifiers(ActorIdentifier), CITATIONS)
        .order_by("name", "pk")
    )


def occupations(user):
    return (
        Occupation.objects.visible_to(user)
        .select_related("site", "occupier", "ending_event")
        .prefetch_related(
            Prefetch("ending_event__participants", queryset=EventParticipant.objects.select_related("actor")),
            CITATIONS,
        )
        .order_by("site__name", F("started_earliest").asc(nulls_last=True), "pk")
    )


def events(user):
    return (
        Event.objects.visible_to(user)
        .select_related("site", "part_of")
        .prefetch_related(
            Prefetch(
                "participants", queryset=EventParticipant.objects.select_related("actor").prefetch_related(CITATIONS)
            ),
            Prefetch("figures", queryset=EventFigure.objects.prefetch_related(CITATIONS)),
            CITATIONS,
        )
        .order_by(F("occurred_earliest").asc(nulls_last=True), "title", "pk")
    )


def damage_reports(user):
    """Damage reports (drafts only for those who may view them), by site, date and slug."""
    return (
        DamageReport.objects.visible_to(user)
        .select_related("site", "structure", "cause", "occupation__site", "occupation__occupier", "perpetrator")
        .prefetch_related(CITATIONS)
        .order_by("site__name", F("occurred_earliest").asc(nulls_last=True), "slug", "pk")
    )


def deletions(user):
    """Tombstones of deleted records that `user` may know of (models/deletions.py), oldest first."""
    return Deletion.objects.visible_to(user).select_related("deleted_by").order_by("deleted_at", "pk")


def threats(user):
    return (
        Threat.objects.visible_to(user)
        .select_related("site", "cause")
        .prefetch_related(CITATIONS)
        .order_by("site__name", F("observed_earliest").asc(nulls_last=True), "slug", "pk")
    )


def sources(user):
    """Sources, without their texts (served on their own, `.../text/`)."""
    return (
        Source.objects.visible_to(user)
        .select_related("supersedes")
        .defer("text", "supersedes__text")
        .prefetch_related(Prefetch("superseded_by", queryset=Source.objects.defer("text")))
        .order_by("title", "pk")
    )


def citations(user):
    return (
        Citation.objects.visible_to(user)
        .select_related("source", "attributed_to")
        .defer("source__text")
        .order_by("source__title", "char_start", "char_end", "pk")
    )


def most_citations(records):
    """How many passages the most-cited of `records` (a queryset of one kind of cited record) cites: one query."""
    through = records.model.citations.through
    column = next(f.name for f in through._meta.concrete_fields if f.related_model is records.model)
    per_record = (
        through.objects.filter(**{f"{column}__in": records.order_by().values("pk")})
        .values(column)
        .annotate(passages=Count("pk"))
    )
    return per_record.aggregate(most=Max("passages"))["most"] or 0


def site_points(sites, user):
    """
    {site id: its point as GeoJSON coordinates [longitude, latitude], or None if unlocated} for `sites` (ids, or a
    query of them), as `user` may see them (`Site.coordinates_for`: coarsened for sensitive sites). One query.
    """
    located = Site.objects.visible_to(user).filter(pk__in=sites).only("pk", "latitude", "longitude", "is_sensitive")
    points = {}
    for site in located:
        latitude, longitude = site.coordinates_for(user)
        points[site.pk] = None if latitude is None else [float(longitude), float(latitude)]
    return points


def visible_among(records, user):
    """
    Those of `records` (instances of any models) that `user` may see, by each model's `visible_to`; a model without
    one is all visible. A query for each model and 500 records.
    """
    by_model = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    visible = set()
    for model, group in by_model.items():
        queryset = model._default_manager.all()
        if not hasattr(queryset, "visible_to"):
            visible.update(group)
            continue
        for start in range(0, len(group), 500):
            chunk = group[start : start + 500]
            pks = set(queryset.visible_to(user).filter(pk__in=[r.pk for r in chunk]).values_list("pk", flat=True))
            visible.update(record for record in chunk if record.pk in pks)
    return visible


def unseen_counts(records, visible):
    """Those of `records` not in `visible`, counted by kind and never named: ["1 damage report you may not see"]."""
    counts = defaultdict(int)
    for record in records:
        if record not in visible:
            counts[record._meta] += 1
    return sorted(
        f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural} you may not see"
        for opts, count in counts.items()
    )


def releases(user):
    """The releases of the record `user` may see (those holding drafts only for readers of drafts), newest first."""
    return Release.objects.visible_to(user).order_by("-number")


def terms(model, user):
    """The terms of a managed vocabulary (models/vocabularies.py), by label; retired ones too (records use them)."""
    return model.objects.visible_to(user).order_by("label", "pk")


# --- A site's dossier -------------------------------------------------------------------------------------------


def site_records(site, user):
    """
    Every record of `site` that `user` may see, by model: the site itself, its names, structures, designations and
    periods (and the periods themselves), its occupations, its events (and the events within them) with their
    participants and figures, its damage reports and threats.
    """
    events = Event.objects.filter(Q(site=site) | Q(part_of__site=site))
    return {
        Site: Site.objects.filter(pk=site.pk),
        SiteName: SiteName.objects.filter(site=site),
        Structure: Structure.objects.filter(site=site),
        Designation: Designation.objects.filter(site=site),
        SitePeriod: SitePeriod.objects.filter(site=site),
        Period: Period.objects.filter(site_periods__site=site),
        Occupation: Occupation.objects.filter(site=site),
        Event: events,
        EventParticipant: EventParticipant.objects.filter(event__in=events),
        EventFigure: EventFigure.objects.filter(event__in=events),
        DamageReport: DamageReport.objects.visible_to(user).filter(site=site),
        Threat: Threat.objects.visible_to(user).filter(site=site),
    }


def records_citing(records, citation_filter=None):
    """
    {citation id: the records it supports}, for the citations of `records` ({model: queryset}) that pass
    `citation_filter` (a Q on the link's `citation__...`). Each record as its kind, its name and its admin address,
    in that order. Two queries per kind of record, whatever the number of citations.
    """
    supports = {}
    for model, queryset in records.items():
        through = model.citations.through
        column = f"{model._meta.model_name}_id"
        links = through.objects.filter(**{f"{column}__in": queryset.values("pk")})
        links = list((links.filter(citation_filter) if citation_filter else links).values_list("citation_id", column))
        if not links:
            continue
        joins = READER_JOINS.get(model.__name__)  # (none: select_related() would follow every foreign key)
        named = (queryset.select_related(*joins) if joins else queryset).in_bulk({pk for _, pk in links})
        for citation_id, pk in links:
            supports.setdefault(citation_id, []).append(
                {
                    "kind": str(model._meta.verbose_name),
                    "label": str(named[pk]),
                    "url": reverse(f"admin:records_{model._meta.model_name}_change", args=[pk]),
                }
            )
    for supported in supports.values():
        supported.sort(key=lambda item: (item["kind"], item["label"]))
    return supports


def site_citations(site, user):
    """
    Every citation behind the site or one of its records that `user` may see (`site_records`), in source order,
    each as (citation, before, quote, after, the records it supports); each source's text is read once.
    """
    supports = records_citing(site_records(site, user))
    citations = list(
        Citation.objects.filter(pk__in=supports)
        .select_related("source", "attributed_to")
        .defer("source__text")
        .order_by("source__title", "char_start")
    )
    texts = dict(Source.objects.filter(pk__in={c.source_id for c in citations}).values_list("pk", "text"))
    return [
        (citation, *citation.context_in(texts[citation.source_id]), supports[citation.pk]) for citation in citations
    ]


def site_dossier(site, user):
    """Everything the dossier page shows `user` about `site`, beyond its own fields and inlines."""
    site_periods = list(SitePeriod.objects.filter(site=site).select_related("period"))
    designations = list(Designation.objects.filter(site=site).select_related("granted_by"))
    occupations = list(Occupation.objects.filter(site=site).select_related("occupier", "ending_event"))
    events = list(Event.objects.filter(site=site).select_related("part_of"))
    damage_reports = list(
        DamageReport.objects.visible_to(user)
        .filter(site=site)
        .select_related("cause", "perpetrator", "structure", "occupation")
    )
    threats = list(Threat.objects.visible_to(user).filter(site=site).select_related("cause", "quantity_unit"))
    items = items_for_site(
        site,
        site_periods=site_periods,
        designations=designations,
        occupations=occupations,
        events=events,
        damage_reports=damage_reports,
    )
    return {
        "timeline_svg": mark_safe(render_svg(items)),  # noqa: S308  (built from escaped parts in timeline.py)
        "undated": [item for item in items if not item.dated],
        "occupations": occupations,
        "events": events,
        "damage_reports": damage_reports,
        "threats": threats,
        "citations": site_citations(site, user),
    }


# --- A source's reader ------------------------------------------------------------------------------------------


def source_reader(source, user):
    """
    What the admin's reader shows of `source`: its text as HTML, cut at every citation's ends, each piece that a
    citation covers wrapped in <span class="cited" data-citations="ids">; and for each citation its quote, who made
    the claim and the records it supports that `user` may see (label and admin address). A few queries per kind of
    record, whatever the number of citations.
    """
    text = source.text
    citations = list(
        Citation.objects.filter(source=source).select_related("attributed_to").order_by("char_start", "char_end")
    )
    cited_models = [
        relation.related_model
        for relation in Citation._meta.related_objects
        if relation.many_to_many and issubclass(relation.related_model, CitedRecord)
    ]
    supports = records_citing(
        {model: model.objects.visible_to(user) for model in cited_models}, Q(citation__source=source)
    )
    about = {
        citation.pk: {
            "quote": citation.quote,
            "attribution": citation.attribution,
            "claim_by": str(citation.attributed_to) if citation.attributed_to_id else "",
            "url": reverse("admin:records_citation_change", args=[citation.pk]),
            "attach": reverse("admin:records_citation_attach", args=[citation.pk]),
            "records": supports.get(citation.pk, []),
        }
        for citation in citations
    }
    return {"html": marked_text(text, citations), "citations": about, "count": len(citations)}


# The joins each kind of record's name (__str__) reads, so that naming them costs no query each.
READER_JOINS = {
    "DamageReport": ("site", "structure", "cause"),
    "Threat": ("site", "cause"),
    "Occupation": ("site", "occupier"),
    "Designation": ("site",),
    "SiteName": ("site",),
    "SitePeriod": ("site", "period"),
    "Structure": ("site",),
    "EventParticipant": ("event", "actor"),
    "EventFigure": ("event", "quantity_unit"),
    "ActorAlias": ("actor",),
}


def marked_text(text, citations):
    """
    `text` as escaped HTML, each stretch that citations cover in a span naming them (overlapping citations cut it
    into pieces, each naming all that cover it). Nothing else is added or changed, so the page's text content is the
    text, character for character, and a selection's offsets in it are offsets in the text.
    """
    events = sorted({0, len(text), *(c.char_start for c in citations), *(c.char_end for c in citations)})
    starts, ends = {}, {}
    for citation in citations:
        starts.setdefault(citation.char_start, []).append(citation.pk)
        ends.setdefault(citation.char_end, []).append(citation.pk)
    active, pieces = set(), []
    for here, after in itertools.pairwise(events):
        active.difference_update(ends.get(here, ()))
        active.update(starts.get(here, ()))
        piece = escape(text[here:after])
        if active:
            ids = " ".join(str(pk) for pk in sorted(active))
            pieces.append(f'<span class="cited" data-citations="{ids}">{piece}</span>')
        else:
            pieces.append(piece)
    return mark_safe("".join(pieces))  # noqa: S308  (every piece of text is escaped above)
