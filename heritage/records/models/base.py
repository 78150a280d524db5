"""Building blocks of the record's models: natural keys, cited records, uncertain dates, quantities, countries."""

import contextlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django_countries import fields as country_fields

from ..choices import CurationStatus, Qualifier
from ..dates import parse_edtf_bounds
from ..history import RecordHistory
from .checks import ChecksTogetherMixin


def ordering_indexes(model_name, *fields):
    """
    An index for each field the API's lists offer to sort by (`?ordering=`), the id after it as the tie-breaker,
    so that the first page of a sorted list is read from the index rather than by sorting every row
    (tests/test_query_plans.py). `model_name` names them (an index name has at most 30 characters).
    """
    return [models.Index(fields=[field, "id"], name=f"ord_{model_name}_{field}") for field in fields]


def may_view(user, model):
    """Whether `user` holds the permission to view `model`'s records (signed-in curators and researchers do)."""
    opts = model._meta
    return user is not None and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class RecordQuerySet(models.QuerySet):
    """
    The records of a model, and which of them a user may read (`visible_to`): every read path, in the API, the
    admin and the exports, starts from `visible_to(user)`, so that what a user may see is decided here.
    """

    def visible_to(self, user):
        """The records `user` may read: all of them, unless the model says otherwise."""
        return self.all()


class RecordManager(models.Manager.from_queryset(RecordQuerySet)):
    pass


class SlugManager(RecordManager):
    """Lets fixtures name a record by its slug instead of an integer primary key."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


# What the public sees of records under the verification workflow: everything but drafts.
PUBLIC_STATUSES = [status for status in CurationStatus.values if status != CurationStatus.DRAFT]


class CuratedQuerySet(RecordQuerySet):
    """
    Records under the verification workflow (damage reports, threats). A draft is a curator's unreviewed work: only
    users who may view the model see drafts; everyone else sees reported, verified, disputed and retracted records
    (a retracted one says so in its status).
    """

    def visible_to(self, user):
        if may_view(user, self.model):
            return self.all()
        # The public statuses, listed (an IN, which an index on the status serves as a few ranges) rather than
        # "not draft" (which SQLite checks entry by entry): a page's count of them reads the index alone.
        return self.filter(status__in=PUBLIC_STATUSES)


class SlugNaturalKeyMixin:
    def natural_key(self):
        return (self.slug,)


class TimestampedModel(ChecksTogetherMixin):
    """
    Every curated row: when it was written, and its version for optimistic locking; its check constraints validated
    in one query (checks.py).

    `version` rises by one on every save(). An edit based on an older version is refused (see concurrency.py), so two
    curators editing the same record cannot silently overwrite each other. Raw saves (loaddata, restore) keep the
    version they are given, so reloading a fixture changes nothing.
    """

    created = models.DateTimeField(verbose_name="created", auto_now_add=True, null=True)
    last_updated = models.DateTimeField(verbose_name="last updated", auto_now=True, null=True)
    version = models.PositiveIntegerField(
        verbose_name="version", default=1, editable=False, help_text="Rises by one with every change."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class CitedRecord(TimestampedModel):
    """A record whose every statement is backed by passages of sources (`Citation`)."""

    citations = models.ManyToManyField(
        to="records.Citation",
        related_name="%(class)ss",
        blank=True,
        verbose_name="citations",
        help_text="The passages of sources that support this record.",
    )

    # Every concrete subclass gets its own history table, including which citations it had at each version.
    history = RecordHistory(inherit=True, m2m_fields=["citations"])

    class Meta:
        abstract = True

    def clean_citations(self, citations):
        """Hook: raise ValidationError (on "citations") if the record may not have exactly these citations."""


class CuratedRecord(CitedRecord):
    """
    A cited claim that curators check before vouching for it (damage reports, threats): it starts as a draft, and
    its status moves only through the verification workflow (`services.change_status`), which records who moved it
    and when. A verified record rests on its citations, so it keeps at least one.
    """

    status = models.CharField(
        verbose_name="curation status",
        max_length=20,
        choices=CurationStatus.choices,
        default=CurationStatus.DRAFT,
        db_index=True,
        help_text="Changed only through the verification workflow.",
    )
    status_changed_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name="status changed by",
    )
    status_changed_at = models.DateTimeField(verbose_name="status changed at", null=True, blank=True, editable=False)

    objects = SlugManager.from_queryset(CuratedQuerySet)()

    class Meta:
        abstract = True

    @classmethod
    def status_permission(cls):
        """The permission to move this model's records through the workflow (`change_status_<model>`)."""
        return f"{cls._meta.app_label}.change_status_{cls._meta.model_name}"

    def clean_citations(self, citations):
        if self.status == CurationStatus.VERIFIED and not citations:
            name = self._meta.verbose_name
            raise ValidationError(
                {
                    "citations": f"A verified {name} must cite at least one source. To withdraw its evidence, mark "
                    "it disputed or retracted first."
                }
            )


class UncertainDatesMixin:
    """
    Keeps EDTF text fields and their derived bound columns in step.

    `edtf_fields` maps each EDTF field to its (earliest, latest) date fields. The bounds are derived on every save,
    including the raw saves of `loaddata` (see signals.py), so they can never disagree with the text.
    """

    edtf_fields: dict[str, tuple[str, str]] = {}

    def derive_date_bounds(self):
        """Set each bound pair from its EDTF text; raises ValidationError for text that is not EDTF."""
        for text_field, (earliest_field, latest_field) in self.edtf_fields.items():
            text = getattr(self, text_field)
            earliest, latest = parse_edtf_bounds(text) if text else (None, None)
            setattr(self, earliest_field, earliest)
            setattr(self, latest_field, latest)

    def clean(self):
        super().clean()
        # Derive the bounds before full_clean() checks the constraints that compare them. Text that is not EDTF
        # has already been reported against its own field by the field's validator.
        with contextlib.suppress(ValidationError):
            self.derive_date_bounds()


def updated_index(short, *, curated=False):
    """
    The index of a listed model's `last_updated`, which serves `?updated_since=` (the change feed); a curated
    model's ends with the status, as its other filters' indexes do (the public's lists leave drafts out).
    """
    return models.Index(fields=["last_updated", *(["status"] if curated else [])], name=f"records_{short}_updated_idx")


def bounds_in_order(model_name, what, earliest, latest, message=None):
    """A named check constraint: `latest` is not before `earliest` (either may be unknown)."""
    return models.CheckConstraint(
        condition=Q(**{f"{earliest}__isnull": True})
        | Q(**{f"{latest}__isnull": True})
        | Q(**{f"{latest}__gte": models.F(earliest)}),
        name=f"records_{model_name}_{what}_in_order",
        violation_error_message=message
        or f"{what.replace('_', ' ').capitalize()}: the end must not be before the start.",
    )


def date_bound_constraints(model_name, edtf_fields):
    """One bounds_in_order per EDTF field: its derived latest date is never before its earliest."""
    return [bounds_in_order(model_name, field, earliest, latest) for field, (earliest, latest) in edtf_fields.items()]


class TermDescriptor(ForwardManyToOneDescriptor):
    """Lets a record name its term by slug, as fixtures and the API do: `Event(kind="capture")`."""

    def __set__(self, instance, value):
        if isinstance(value, str):
            # The key column holds the slug: set it, and forget a term fetched for the previous value.
            if self.field.is_cached(instance):
                self.field.delete_cached_value(instance)
            setattr(instance, self.field.attname, value)
            return
        super().__set__(instance, value)


class TermForeignKey(models.ForeignKey):
    """A record's reference to a term, by the term's slug, kept in the column named like the field."""

    forward_related_accessor_class = TermDescriptor

    def __init__(self, to, **kwargs):
        kwargs.setdefault("to_field", "slug")
        kwargs.setdefault("on_delete", models.PROTECT)
        super().__init__(to, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        # The column keeps the name it had as a choice field ("kind", not "kind_id"), so its values read the same.
        self.db_column = self.db_column or name
        super().contribute_to_class(cls, name, *args, **kwargs)


class CountryField(country_fields.CountryField):
    """
    django-countries' field, its value checked by looking its code up: Django's check of a choice walks the 250
    countries through the library's iterator, about 0.5 ms a record, most of a site's `clean_fields()`. Migrations
    record it as the library's field, which it is in the database.
    """

    def validate(self, value, model_instance):
        if self.multiple or not self.editable or value in self.empty_values:
            return super().validate(value, model_instance)
        if str(value) not in self.countries:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return None

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django_countries.fields.CountryField", args, kwargs


# Which bounds each qualifier's wording states (see QuantityModel): one number, a range, or one end only.
ONE_NUMBER = (Qualifier.EXACTLY,)
ONE_NUMBER_OR_RANGE = (Qualifier.APPROXIMATELY,)
RANGE = (Qualifier.BETWEEN,)
LOWER_END = (Qualifier.AT_LEAST, Qualifier.MORE_THAN)
UPPER_END = (Qualifier.AT_MOST, Qualifier.FEWER_THAN)
# The largest bound the columns hold (PositiveIntegerField on every database).
MAX_QUANTITY = 2**31 - 1


def quantity_errors(low, high, qualifier):
    """
    What is wrong with a quantity's bounds for its qualifier, as {model field name: message}, empty if nothing: the
    one definition of a well-formed quantity, which the model's clean() and the API's quantity field both apply.
    """
    if low is not None and high is not None and low > high:
        return {"quantity_max": "The largest number must not be smaller than the smallest (quantity min)."}
    if not qualifier or qualifier not in Qualifier.values:
        return {}
    label = f'"{Qualifier(qualifier).label}"'
    if qualifier in ONE_NUMBER and not (low is not None and low == high):
        return {"quantity_max": f"{label} states one number: enter it as both the smallest and the largest."}
    if qualifier in (*ONE_NUMBER_OR_RANGE, *RANGE) and (low is None or high is None):
        return {"quantity_min" if low is None else "quantity_max": f"{label} needs the smallest and the largest."}
    if qualifier in RANGE and low == high:
        return {"quantity_max": f'{label} needs a largest number above the smallest (one number is "exactly").'}
    if qualifier in LOWER_END:
        if low is None:
            return {"quantity_min": f"{label} needs the smallest number."}
        if high is not None:
            return {"quantity_max": f"{label} states only the smallest number: leave the largest empty."}
        if qualifier == Qualifier.MORE_THAN and low == 0:
            return {"quantity_min": f"{label} N is N + 1 and up: the smallest number is at least 1."}
    if qualifier in UPPER_END:
        if high is None:
            return {"quantity_max": f"{label} needs the largest number."}
        if low is not None:
            return {"quantity_min": f"{label} states only the largest number: leave the smallest empty."}
    return {}


def describe_quantity(low, high, qualifier, unit):
    """The quantity as the source worded it: "more than 2,000 targets" (stored as 2,001 and up)."""
    if low is None and high is None:
        return ""
    if qualifier == Qualifier.MORE_THAN and low is not None:
        number = f"{low - 1:,}"
    elif qualifier == Qualifier.FEWER_THAN and high is not None:
        number = f"{high + 1:,}"
    elif low is not None and high is not None and low != high:
        number = f"{low:,} and {high:,}" if qualifier == Qualifier.BETWEEN else f"{low:,}–{high:,}"
    else:
        number = f"{low if low is not None else high:,}"
    label = dict(Qualifier.choices).get(qualifier, qualifier)
    return " ".join(part for part in (label, number, unit) if part)


def _both(**lookups):
    return Q(quantity_min__isnull=False, quantity_max__isnull=False, **lookups)


class QuantityModel(models.Model):
    """
    A reported number: the smallest and the largest it can be (`quantity_min`, `quantity_max`; an empty one is an open
    end), the qualifier that keeps the source's wording, and the unit.

    The bounds are inclusive and say what the wording implies; the qualifier says which bounds the wording gives:

    - "exactly 500": min = max = 500, exactly; "around 500": min = max = 500, approximately;
    - "30-40 killed" / "between 3 and 5 columns": min 30, max 40, between ("some 30-40": approximately);
    - "at least 150": min 150, no max; "more than 2,000": min 2,001 (the smallest number more than 2,000), no max;
    - "at most 20": max 20, no min; "fewer than 20": max 19, no min.

    Database constraints keep the bounds non-negative and in order, a qualifier and a unit with every number (and
    none without one), and the bounds in the shape their qualifier states.
    """

    quantity_min = models.PositiveIntegerField(
        verbose_name="quantity min",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_QUANTITY)],
        help_text='The smallest number the source\'s wording allows: "more than 2,000" is 2,001. Empty if open.',
    )
    quantity_max = models.PositiveIntegerField(
        verbose_name="quantity max",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_QUANTITY)],
        help_text='The largest number it allows: "around 500" is 500 in both. Empty if open ("at least 150").',
    )
    quantity_qualifier = models.CharField(
        verbose_name="quantity qualifier", max_length=20, choices=Qualifier.choices, blank=True
    )
    quantity_unit = TermForeignKey(
        "records.QuantityUnit",
        related_name="%(class)ss",
        null=True,
        blank=True,
        verbose_name="unit",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(quantity_min__isnull=True) | Q(quantity_min__gte=0))
                & (Q(quantity_max__isnull=True) | Q(quantity_max__gte=0)),
                name="%(app_label)s_%(class)s_quantity_not_negative",
                violation_error_message="A quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_min__isnull=True)
                | Q(quantity_max__isnull=True)
                | Q(quantity_max__gte=models.F("quantity_min")),
                name="%(app_label)s_%(class)s_quantity_in_order",
                violation_error_message="A quantity's largest number must not be smaller than its smallest.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(quantity_min__isnull=True, quantity_max__isnull=True)
                    & Q(quantity_qualifier="")
                    & Q(quantity_unit__isnull=True)
                )
                | (
                    (Q(quantity_min__isnull=False) | Q(quantity_max__isnull=False))
                    & ~Q(quantity_qualifier="")
                    & Q(quantity_unit__isnull=False)
                ),
                name="%(app_label)s_%(class)s_quantity_has_qualifier_and_unit",
                violation_error_message="A quantity needs a qualifier and unit; a qualifier or unit needs a quantity.",
            ),
            # Each part guards its comparison with IS NOT NULL: a comparison with NULL would let the row through.
            models.CheckConstraint(
                condition=Q(quantity_qualifier="")
                | _both(quantity_qualifier__in=ONE_NUMBER, quantity_max=models.F("quantity_min"))
                | _both(quantity_qualifier__in=ONE_NUMBER_OR_RANGE)
                | _both(quantity_qualifier__in=RANGE, quantity_max__gt=models.F("quantity_min"))
                | Q(quantity_qualifier=Qualifier.AT_LEAST, quantity_min__isnull=False, quantity_max__isnull=True)
                | Q(quantity_qualifier=Qualifier.MORE_THAN, quantity_min__gte=1, quantity_max__isnull=True)
                | Q(quantity_qualifier__in=UPPER_END, quantity_min__isnull=True, quantity_max__isnull=False),
                name="%(app_label)s_%(class)s_quantity_fits_qualifier",
                violation_error_message="A quantity's bounds must be those its qualifier states: one number for "
                "exactly, a range for between, only the smallest for at least / more than (at least 1), only the "
                "largest for at most / fewer than.",
            ),
        ]

    def clean(self):
        super().clean()
        bounds = (self.quantity_min, self.quantity_max)
        if any(bound is not None and not (isinstance(bound, int) and 0 <= bound <= MAX_QUANTITY) for bound in bounds):
            return  # the bound's own field reports it
        errors = quantity_errors(*bounds, self.quantity_qualifier)
        if errors:
            raise ValidationError(errors)

    @property
    def quantity_display(self):
        return describe_quantity(
            self.quantity_min,
            self.quantity_max,
            self.quantity_qualifier,
            self.quantity_unit.label if self.quantity_unit_id else "",
        )


def search_entries():
    """A searchable record's entry in the search index (heritage.search), removed with the record."""
    return GenericRelation("search.SearchEntry", object_id_field="record_id")
