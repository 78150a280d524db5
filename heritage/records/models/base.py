"""Building blocks shared by the record's models: natural keys, cited records, uncertain dates, quantities."""

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..choices import CurationStatus, Qualifier, QuantityUnit
from ..dates import parse_edtf_bounds
from ..history import RecordHistory


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


class TimestampedModel(models.Model):
    """
    Every curated row: when it was written, and its version for optimistic locking.

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


class QuantityModel(models.Model):
    """
    A reported number with its qualifier: "around 500" is 500 approximately, "more than 2,000" is 2000 more_than.

    The value is never stored as a bare integer without its qualifier, nor as a string.
    """

    quantity = models.PositiveIntegerField(verbose_name="quantity", null=True, blank=True)
    quantity_qualifier = models.CharField(
        verbose_name="quantity qualifier", max_length=20, choices=Qualifier.choices, blank=True
    )
    quantity_unit = models.CharField(verbose_name="unit", max_length=20, choices=QuantityUnit.choices, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="%(app_label)s_%(class)s_quantity_not_negative",
                violation_error_message="A quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(quantity__isnull=True) & Q(quantity_qualifier="") & Q(quantity_unit=""))
                | (Q(quantity__isnull=False) & ~Q(quantity_qualifier="") & ~Q(quantity_unit="")),
                name="%(app_label)s_%(class)s_quantity_has_qualifier_and_unit",
                violation_error_message="A quantity needs a qualifier and unit; a qualifier or unit needs a quantity.",
            ),
        ]

    @property
    def quantity_display(self):
        if self.quantity is None:
            return ""
        return f"{self.get_quantity_qualifier_display()} {self.quantity:,} {self.get_quantity_unit_display()}"
