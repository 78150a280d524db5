"""
Import/export of sites, damage reports and occupations (django-import-export), as curators' spreadsheets.

Rows name related records by slug (the natural key), never by database id, so a file written from one database
imports into another. A file is taken whole or not at all: every row is validated (`full_clean`, the same rules as
the admin form), and any invalid row rolls back the whole import, with each error naming its row and column.
Derived columns (date bounds) and the curation status are exported but never imported: dates are derived from the
EDTF text, and the status changes only through the verification workflow.

A site's `identifiers` column holds its identifiers in other registers as `pleiades:668331; whl:23`; imported, it
replaces the site's identifiers (an empty cell removes them all), each checked as the API checks it (its scheme's
form, and not held by another site), an error naming the row and the column. A file without the column leaves them
as they are.

A file is refused whole, before any row is read, when its columns are not the resource's (a column unknown, given
twice, unnamed but holding values, or no `slug` column) or when it gives one slug on two rows: the library would
ignore an unknown column and let the last of two rows win. A cell is refused, naming its column, when it is not a
number where one is wanted (or not a whole one), holds a NUL character, which no text column stores, or is text that
the spreadsheet made a date or a rounded number.

Exports hold what the exporting user may see (the records `visible_to` them, a sensitive site's location as
`coordinates_for` them, its identifiers only for those who may see that location), and text that a spreadsheet
would run as a formula is escaped (spreadsheets.py); an import takes the escaping off again, and reads an empty cell
of a text column as empty text, so that an exported file, CSV or XLSX, imports back unchanged.
"""

import collections
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, results, widgets

from . import signals
from .models import (
    Actor,
    DamageReport,
    DisturbanceCause,
    Event,
    Occupation,
    QuantityUnit,
    Site,
    SiteCondition,
    SiteIdentifier,
    Term,
)
from .models.identifiers import parse_identifier
from .spreadsheets import UncomputedFormula, escape_formula, unescape_formula


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key column holding the related record's slug; an unknown slug is a row error naming the slug."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            # ValueError makes it a validation error of this column, not a crash of the import.
            raise ValueError(f"No {self.model._meta.verbose_name} has the slug {value!r}.") from None


class TextWidget(widgets.CharWidget):
    """
    Text, as typed: a cell a spreadsheet turned into a date (Excel reads `2015-05` as 1 May 2015) is refused, not
    stored as "2015-05-01 00:00:00", and so is a number past what a cell keeps exactly (2**53).
    """

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date | datetime.time):
            raise ValueError(
                f"The spreadsheet made this cell a date or time ({value}): format the column as text and type it again."
            )
        if isinstance(value, float) and not abs(value) < 2**53:
            raise ValueError(f"The spreadsheet kept this number only to 15 digits ({value}): format it as text.")
        text = super().clean(value, row=row, **kwargs)
        if isinstance(text, str) and "\x00" in text:
            raise ValueError("Null characters are not allowed.")
        return text


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except InvalidOperation:  # an ArithmeticError, which the library would not give to this column
            raise ValueError(f"{value!r} is not a number.") from None


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number: `1.5` is refused, not cut to 1, and so is a cell that is no number (`abc`, `inf`)."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = NumberWidget().clean(value, row=row, **kwargs)
        except ValueError:
            number = Decimal("NaN")
        if number is not None and (not number.is_finite() or number != number.to_integral_value()):
            raise ValueError(f"{value!r} is not a whole number.")
        return super().clean(value, row=row, **kwargs)


# The library's widget for a model field, and the one these resources use in its place.
WIDGETS = {
    widgets.CharWidget: TextWidget,
    widgets.DecimalWidget: NumberWidget,
    widgets.IntegerWidget: WholeNumberWidget,
}


class Refusal(results.Error):
    """What refused a file, for a person: the message, without the Python traceback the library's page would show."""

    traceback = ""


def drop_unnamed_empty_columns(dataset):
    """
    Leave out the columns with neither a name nor a value, which a spreadsheet writes where cells were formatted
    (or a CSV's trailing comma makes). A column without a name that holds values is a problem: its words.
    """
    headers = list(dataset.headers or [])
    unnamed = [index for index, name in enumerate(headers) if name is None or str(name).strip() == ""]
    for index in unnamed:
        if any(row[index] not in (None, "") for row in dataset):
            return f"Column {index + 1} has no name but holds values: name it, or remove it."
    if unnamed:
        rows = [[value for index, value in enumerate(row) if index not in unnamed] for row in dataset]
        dataset.wipe()
        dataset.headers = [name for index, name in enumerate(headers) if index not in unnamed]
        dataset.extend(rows)


class TermSlugField(fields.Field):
    """
    A column naming a term of a managed vocabulary by its slug: a row may keep the retired term its record has, but
    not newly choose one (models/vocabularies.py), an error of the column.
    """

    def save(self, instance, row, is_m2m=False, **kwargs):
        term = self.clean(row, **kwargs)
        key = instance._meta.get_field(self.attribute)
        if (
            term is not None
            and term.retired_refusal()
            and getattr(instance, key.attname) != key.target_field.value_from_object(term)
        ):
            raise ValueError(term.retired_refusal())
        super().save(instance, row, is_m2m, **kwargs)


def slug_field(attribute, model):
    field_class = TermSlugField if issubclass(model, Term) else fields.Field
    return field_class(attribute=attribute, column_name=attribute, widget=SlugWidget(model))


def derived_field(attribute):
    return fields.Field(attribute=attribute, column_name=attribute, readonly=True, widget=widgets.DateWidget())


class RecordResource(resources.ModelResource):
    """Common options: match rows by slug, validate each instance, all-or-nothing; see the module docstring."""

    class Meta:
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    # The library reads an empty cell of a CharField column as "", but of a TextField (a description) as None, which
    # the database refuses: text columns of both kinds read empty cells as empty text.
    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = widgets.CharWidget if isinstance(f, models.TextField) else super().widget_from_django_field(f, default)
        return WIDGETS.get(widget, widget)

    def get_error_result_class(self):
        return Refusal

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        unnamed = drop_unnamed_empty_columns(dataset)
        headers = list(dataset.headers or [])
        if not headers:
            raise ValueError("The file is empty: its first row names the columns, one of them slug.")
        known = {field.column_name for field in self.fields.values()}
        problems = [unnamed] if unnamed else []
        problems += [
            f"The column {name!r} is given twice." for name, n in collections.Counter(headers).items() if n > 1
        ]
        if unknown := [name for name in dict.fromkeys(headers) if name not in known and name not in (None, "")]:
            problems.append(
                f"Unknown column{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}: the columns are "
                f"{', '.join(sorted(known))}."
            )
        if uncomputed := [
            f"row {number}, column {name!r} ({cell})"
            for number, row in enumerate(dataset, start=1)
            for name, cell in zip(headers, row, strict=False)
            if isinstance(cell, UncomputedFormula)
        ]:
            more = f" and {len(uncomputed) - 5} more" if len(uncomputed) > 5 else ""
            problems.append(
                f"Formulas without their values (the program that wrote the file did not compute them): "
                f"{'; '.join(uncomputed[:5])}{more}. Open the file in a spreadsheet and save it, or type the values."
            )
        if "slug" not in headers:
            problems.append("The file has no slug column: each row is matched to its record by its slug.")
        else:
            rows = collections.defaultdict(list)
            for number, slug in enumerate(dataset["slug"], start=1):
                rows[unescape_formula(slug)].append(number)
            problems += [
                f"The slug {slug!r} is on rows {', '.join(map(str, numbers))}: a file gives each record once."
                for slug, numbers in rows.items()
                if len(numbers) > 1 and slug not in (None, "")
            ]
        if problems:
            del dataset[:]  # no row of it is read: its errors would only repeat these
            raise ValueError(" ".join(problems))

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.TextField) and django_field.blank:
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def get_queryset(self):
        # A row names its terms by slug: joined here, not fetched once a row.
        terms = [
            field.name
            for field in self._meta.model._meta.concrete_fields
            if field.is_relation and issubclass(field.related_model, Term)
        ]
        queryset = super().get_queryset().visible_to(self.user)
        # select_related() with no names would follow every foreign key (a citation's source with its whole text).
        return queryset.select_related(*terms) if terms else queryset

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = unescape_formula(value)
        super().before_import_row(row, **kwargs)

    def import_data(self, dataset, **kwargs):
        # One bad row means the file is wrong: roll back every row, whoever calls this (admin, API, shell).
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def import_data_inner(self, dataset, dry_run, *args, **kwargs):
        # The rows' search entries are written together once every row is saved, in the import's transaction (a
        # quarter of a row's cost, one by one); for a dry run, or a file refused, none (they would be rolled back).
        with signals.written_together() as written:
            result = super().import_data_inner(dataset, dry_run, *args, **kwargs)
            if not (dry_run or result.has_errors() or result.has_validation_errors()):
                signals.written_in_bulk.send(sender=type(self), written=written)
        return result


def import_problems(result, shown=5):
    """
    What refused an import (`result` of `import_data`), for a person to read: the first `shown` problems, each with
    its row and column, and how many more; empty text if there were none.
    """
    problems = [
        f"row {row.number}, {column}: {' '.join(str(error).rstrip('.') for error in errors)}"
        for row in result.invalid_rows
        for column, errors in [*row.field_specific_errors.items(), ("row", row.non_field_specific_errors)]
        if errors
    ]
    problems += [f"row {number}: {str(e.error).rstrip('.')}" for number, errors in result.row_errors() for e in errors]
    problems += [str(error.error).rstrip(".") for error in result.base_errors]
    more = f"; and {len(problems) - shown:,} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


def identifiers_cell(identifiers):
    return "; ".join(f"{identifier.scheme}:{identifier.value}" for identifier in identifiers)


class SiteResource(RecordResource):
    condition = slug_field("condition", SiteCondition)
    # Not a column of the site: read and written by the methods below.
    identifiers = fields.Field(column_name="identifiers", dehydrate_method="dehydrate_identifiers")

    class Meta(RecordResource.Meta):
        model = Site
        fields = [
            "slug",
            "name",
            "kind",
            "country",
            "description",
            "latitude",
            "longitude",
            "location_certainty",
            "condition",
            "condition_assessed",
            "damage_extent",
            "identifiers",
        ]
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().prefetch_related("identifiers")

    def dehydrate_identifiers(self, site):
        return identifiers_cell(site.identifiers.all()) if SiteIdentifier.shown_with(site, self.user) else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        if "identifiers" in row:
            try:
                instance.imported_identifiers = self.identifiers_of(instance, row["identifiers"])
            except ValueError as exc:
                errors["identifiers"] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def identifiers_of(self, site, cell):
        """The (scheme, value) pairs of an identifiers cell for `site`; ValueError saying what is wrong."""
        if not SiteIdentifier.shown_with(site, self.user):
            if cell:  # the empty cell such a user was given, sent back, changes nothing
                raise ValueError("This site's identifiers are hidden from you, so you cannot change them.")
            return None
        pairs = []
        for text in filter(None, (part.strip() for part in str(cell or "").split(";"))):
            scheme, value = parse_identifier(text)  # ValueError with the reason
            reasons = SiteIdentifier.value_errors(scheme, value)
            taken = SiteIdentifier.taken_message(scheme, value, site if site.pk else None, self.user)
            if reasons or taken:
                raise ValueError(f"{text}: {' '.join(reasons) or taken}")
            if (scheme, value) in pairs:
                raise ValueError(f"{text} is given twice.")
            pairs.append((scheme, value))
        return pairs

    def skip_row(self, instance, original, row, import_validation_errors=None):
        wanted = getattr(instance, "imported_identifiers", None)
        if wanted is not None and original.pk is not None:
            if set(wanted) != set(original.identifiers.values_list("scheme", "value")):
                return False
        elif wanted:  # a new site's identifiers
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        wanted = getattr(instance, "imported_identifiers", None)
        if wanted is None:
            return
        for identifier in instance.identifiers.all():
            if (identifier.scheme, identifier.value) not in wanted:
                identifier.delete()  # one by one, so that each deletion is in its history
        kept = set(instance.identifiers.values_list("scheme", "value"))
        for scheme, value in wanted:
            if (scheme, value) not in kept:
                SiteIdentifier.objects.create(site=instance, scheme=scheme, value=value)

    def dehydrate_country(self, site):
        return site.country.code

    def dehydrate_latitude(self, site):
        return site.coordinates_for(self.user)[0]

    def dehydrate_longitude(self, site):
        return site.coordinates_for(self.user)[1]


class OccupationResource(RecordResource):
    site = slug_field("site", Site)
    occupier = slug_field("occupier", Actor)
    ending_event = slug_field("ending_event", Event)
    quantity_unit = slug_field("quantity_unit", QuantityUnit)
    started_earliest = derived_field("started_earliest")
    started_latest = derived_field("started_latest")
    ended_earliest = derived_field("ended_earliest")
    ended_latest = derived_field("ended_latest")

    class Meta(RecordResource.Meta):
        model = Occupation
        fields = [
            "slug",
            "site",
            "occupier",
            "started",
            "started_earliest",
            "started_latest",
            "started_inferred",
            "ended",
            "ended_earliest",
            "ended_latest",
            "ended_inferred",
            "dating_note",
            "end_kind",
            "ending_event",
            "quantity_min",
            "quantity_max",
            "quantity_qualifier",
            "quantity_unit",
            "description",
        ]
        export_order = fields


class DamageReportResource(RecordResource):
    site = slug_field("site", Site)
    cause = slug_field("cause", DisturbanceCause)
    occupation = slug_field("occupation", Occupation)
    perpetrator = slug_field("perpetrator", Actor)
    occurred_earliest = derived_field("occurred_earliest")
    occurred_latest = derived_field("occurred_latest")
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta(RecordResource.Meta):
        model = DamageReport
        fields = [
            "slug",
            "site",
            "cause",
            "severity",
            "extent",
            "is_permanent",
            "occurred",
            "occurred_earliest",
            "occurred_latest",
            "occurred_inferred",
            "dating_note",
            "occupation",
            "perpetrator",
            "certainty",
            "status",
            "description",
        ]
        export_order = fields


# The records that import from files, each by its resource (their admins import through the same), for
# `manage.py import`.
RESOURCES = {resource._meta.model: resource for resource in (SiteResource, DamageReportResource, OccupationResource)}
