"""
What a user reads, in one place: the records of each kind that `user` may see, as the API lists them and exports
them (each with what its representation needs joined or prefetched, in its default order), and what a site's
dossier shows in the admin, in a fixed number of queries.

Which records a user may see is each model's `visible_to(user)` (drafts only for those who may view them); the
coordinates they may see of a sensitive site, `Site.coordinates_for(user)`, and the location filters built on it,
`SiteQuerySet.located_within(..., user=)`. Everything here starts from `visible_to`.
"""

from django.db.models import F, Prefetch, Q
from django.utils.safestring import mark_safe

from .models import (
    Actor,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    EventParticipant,
    Occupation,
    Period,
    Site,
    SitePeriod,
    Source,
    Threat,
)
from .timeline import items_for_site, render_svg

# Each cited passage is shown with its source and who made the claim: fetched with the passages, not per passage.
CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source", "attributed_to"))


def sites(user):
    """Heritage places, with their other names, protected statuses, periods and citations; by name."""
    return (
        Site.objects.visible_to(user)
        .prefetch_related(
            "names",
            Prefetch("designations", queryset=Designation.objects.select_related("granted_by")),
            "periods",
            CITATIONS,
        )
        .order_by("name", "pk")
    )


def periods(user):
    return (
        Period.objects.visible_to(user)
        .prefetch_related(CITATIONS)
        .order_by("start_earliest", "stop_latest", "name", "pk")
    )


def actors(user):
    return (
        Actor.objects.visible_to(user)
        .select_related("parent")
        .prefetch_related("aliases", CITATIONS)
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
            Prefetch("participants", queryset=EventParticipant.objects.select_related("actor")),
            "figures",
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


def threats(user):
    return (
        Threat.objects.visible_to(user)
        .select_related("site", "cause")
        .prefetch_related(CITATIONS)
        .order_by("site__name", F("observed_earliest").asc(nulls_last=True), "slug", "pk")
    )


def sources(user):
    return Source.objects.visible_to(user).order_by("title", "pk")


def citations(user):
    return (
        Citation.objects.visible_to(user)
        .select_related("source", "attributed_to")
        .order_by("source__title", "char_start", "char_end", "pk")
    )


def disturbance_causes(user):
    return DisturbanceCause.objects.visible_to(user).order_by("category", "name", "pk")


# --- A site's dossier -------------------------------------------------------------------------------------------


def site_citations(site, user):
    """Every citation backing the site or one of its records that `user` may see, in source order."""
    return (
        Citation.objects.filter(
            Q(sites=site)
            | Q(sitenames__site=site)
            | Q(siteperiods__site=site)
            | Q(designations__site=site)
            | Q(occupations__site=site)
            | Q(damagereports__in=DamageReport.objects.visible_to(user).filter(site=site))
            | Q(threats__in=Threat.objects.visible_to(user).filter(site=site))
            | Q(events__site=site)
        )
        .select_related("source", "attributed_to")
        .distinct()
        .order_by("source__title", "char_start")
    )


def citations_in_context(citations):
    """(citation, before, quote, after) for each citation, reading each source's text once."""
    sources = {}
    rows = []
    for citation in citations:
        # Share one Source instance per source, so its text file is read once however many passages quote it.
        citation.source = sources.setdefault(citation.source_id, citation.source)
        rows.append((citation, *citation.context))
    return rows


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
    threats = list(Threat.objects.visible_to(user).filter(site=site).select_related("cause"))
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
        "citations": citations_in_context(site_citations(site, user)),
    }
