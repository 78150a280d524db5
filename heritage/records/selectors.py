"""
Read logic shared by several pages: what a site's dossier shows, fetched in a fixed number of queries, of the records
the viewing user may see (`visible_to`).

The admin's site page uses it today; the API can reuse it for a site's detail view.
"""

from django.db.models import Q
from django.utils.safestring import mark_safe

from .models import Citation, DamageReport, Designation, Event, Occupation, SitePeriod, Threat
from .timeline import items_for_site, render_svg


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
