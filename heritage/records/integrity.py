"""
Integrity checks of a live database: what the constraints cannot see.

The database already refuses rows that break a constraint. These checks look at what lies across rows and storage:
texts and original documents still matching their checksums, quotes still standing in their source texts, date
bounds still derived from their EDTF text (a damage report dated by its occupation, from the occupation's),
language tags that are tags, damage reports with no citation, and records nothing refers to. Each
check yields problem descriptions; `run_checks()` runs them all. Used by `manage.py check_integrity`.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, F, Q

from .dates import parse_edtf_bounds
from .languages import is_language_tag
from .models import (
    Actor,
    ActorAlias,
    Citation,
    DamageReport,
    Designation,
    Event,
    Occupation,
    Period,
    SiteName,
    Source,
    Threat,
)
from .models.base import CitedRecord
from .texts import sha256

CHUNK = 2000


@dataclass
class CheckResult:
    number: int
    title: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def check_texts(result):
    """Every source's text matches its SHA-256 and length, and its original is in storage with its own SHA-256."""
    storage = Source.original.field.storage
    for source in Source.objects.iterator(chunk_size=50):
        result.checked += 1
        if sha256(source.text) != source.text_sha256 or len(source.text) != source.text_length:
            result.problems.append(f"source {source.slug}: its text does not match its SHA-256 or length")
        if not source.original:
            continue
        try:
            with storage.open(source.original.name, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            result.problems.append(f"source {source.slug}: its original {source.original.name} is missing ({exc})")
            continue
        if sha256(data) != source.original_sha256 or len(data) != source.original_size:
            result.problems.append(f"source {source.slug}: its original does not match its SHA-256 or size")


def check_quotes(result):
    """Every citation's quote stands, character for character, at its offsets in its source's text."""
    for source_id, text in Source.objects.values_list("pk", "text").iterator(chunk_size=50):
        quotes = Citation.objects.filter(source_id=source_id).only("pk", "quote", "char_start", "char_end")
        for citation in quotes.iterator(CHUNK):
            result.checked += 1
            if text[citation.char_start : citation.char_end] != citation.quote:
                result.problems.append(
                    f"citation {citation.pk}: the source's text at {citation.char_start}..{citation.char_end} "
                    f"is not the quote {citation.quote[:60]!r}"
                )


def check_dates(result):
    """Every EDTF date parses, and its stored bounds are the ones it derives (or its occupation's)."""
    for model in (Designation, Occupation, Event, DamageReport, Threat):
        queryset = model.objects.all()
        if model is DamageReport:
            queryset = queryset.select_related("occupation")
        for record in queryset.iterator(CHUNK):
            result.checked += 1
            for text_field, (earliest_field, latest_field) in model.edtf_fields.items():
                text = getattr(record, text_field)
                stored = (getattr(record, earliest_field), getattr(record, latest_field))
                try:
                    expected = parse_edtf_bounds(text) if text else (None, None)
                except Exception as exc:  # noqa: BLE001  (report any parse failure, keep checking)
                    result.problems.append(f"{model._meta.label} {record.pk}: {text_field} {text!r}: {exc}")
                    continue
                if model is DamageReport and not text and record.occupation_id:
                    expected = (record.occupation.started_earliest, record.occupation.ended_latest)
                if stored != expected:
                    result.problems.append(
                        f"{model._meta.label} {record.pk}: {text_field} {text!r} "
                        f"has bounds {stored}, expected {expected}"
                    )


def check_damage_reports_cited(result):
    """Every damage report cites at least one passage."""
    result.checked = DamageReport.objects.count()
    for report in DamageReport.objects.filter(citations__isnull=True).only("pk", "slug").iterator(CHUNK):
        result.problems.append(f"damage report {report.slug}: no citation")


def check_cited_records(result):
    """Every other record that can cite (sites, occupations, events, ...) cites at least one passage."""
    for model in apps.get_app_config("records").get_models():
        if not issubclass(model, CitedRecord) or model is DamageReport:
            continue
        result.checked += model.objects.count()
        for record in model.objects.filter(citations__isnull=True).iterator(CHUNK):
            result.problems.append(f"{model._meta.verbose_name} {record}: no citation")


def check_orphans(result):
    """No record is left hanging: citations that support nothing, sources never cited, periods and actors unused."""
    no_support = Q()
    for relation in Citation._meta.related_objects:
        if relation.many_to_many:
            no_support &= Q(**{f"{relation.related_name}__isnull": True})
    for citation in Citation.objects.filter(no_support).only("pk", "quote").iterator(CHUNK):
        result.problems.append(f"citation {citation.pk} ({citation.quote[:40]!r}): supports no record")
    result.checked += Citation.objects.count()
    for source in Source.objects.annotate(n=Count("citations")).filter(n=0):
        result.problems.append(f"source {source.slug}: never cited")
    result.checked += Source.objects.count()
    for period in Period.objects.filter(sites__isnull=True):
        result.problems.append(f"period {period.slug}: no site dates from it")
    result.checked += Period.objects.count()
    actor_uses = [
        "occupations",
        "damage_reports",
        "participations",
        "attributed_citations",
        "designations_granted",
        "children",
    ]
    unused = Q()
    for name in actor_uses:
        unused &= Q(**{f"{name}__isnull": True})
    for actor in Actor.objects.filter(unused).distinct():
        result.problems.append(f"actor {actor.slug}: named by no record")
    result.checked += Actor.objects.count()


def check_consistency(result):
    """References agree with each other: a report's structure and occupation are of the report's site."""
    reports = DamageReport.objects.filter(
        Q(structure__isnull=False) & ~Q(structure__site=F("site"))
        | Q(occupation__isnull=False) & ~Q(occupation__site=F("site"))
    )
    result.checked = DamageReport.objects.count()
    for report in reports.only("slug"):
        result.problems.append(f"damage report {report.slug}: its structure or occupation is of another site")


def check_language_tags(result):
    """Every language is a BCP 47 tag (a value kept from before tags were validated is listed until it is fixed)."""
    for model in (SiteName, ActorAlias, Source):
        for pk, tag in model.objects.exclude(language="").values_list("pk", "language").iterator(CHUNK):
            result.checked += 1
            if not is_language_tag(tag):
                result.problems.append(f"{model._meta.verbose_name} {pk}: language {tag!r} is not a BCP 47 tag")


CHECKS = [
    ("Source texts and originals match their checksums", check_texts),
    ("Citation quotes stand in their sources", check_quotes),
    ("EDTF dates parse and their bounds are derived", check_dates),
    ("Every damage report is cited", check_damage_reports_cited),
    ("Every other record is cited", check_cited_records),
    ("No orphaned records", check_orphans),
    ("References agree on the site", check_consistency),
    ("Languages are BCP 47 tags", check_language_tags),
]


def run_checks():
    results = []
    for number, (title, check) in enumerate(CHECKS, start=1):
        result = CheckResult(number=number, title=title)
        check(result)
        results.append(result)
    return results
