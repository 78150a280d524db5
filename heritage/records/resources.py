"""
Import/export of sites, damage reports and occupations (django-import-export), as curators' spreadsheets.

Rows name related records by slug (the natural key), never by database id, so a file written from one database
imports into another. A file is taken whole or not at all: every row is validated (`full_clean`, the same rules as
the admin form), and any invalid row rolls back the whole import, with each error naming its row and column.
Derived columns (date bounds) and the curation status are exported but never imported: dates are derived from the
EDTF text, and the status changes only through the verification workflow.
"""

from import_export import fields, resources, widgets

from .models import Actor, DamageReport, DisturbanceCause, Event, Occupation, Site


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


def slug_field(attribute, model):
    return fields.Field(attribute=attribute, column_name=attribute, widget=SlugWidget(model))


def derived_field(attribute):
    return fields.Field(attribute=attribute, column_name=attribute, readonly=True, widget=widgets.DateWidget())


class RecordResource(resources.ModelResource):
    """Common options: match rows by slug, validate each instance, all-or-nothing."""

    class Meta:
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, **kwargs):
        # One bad row means the file is wrong: roll back every row, whoever calls this (admin, API, shell).
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class SiteResource(RecordResource):
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
        ]
        export_order = fields

    def dehydrate_country(self, site):
        return site.country.code


class OccupationResource(RecordResource):
    site = slug_field("site", Site)
    occupier = slug_field("occupier", Actor)
    ending_event = slug_field("ending_event", Event)
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
            "quantity",
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
            "occupation",
            "perpetrator",
            "certainty",
            "status",
            "description",
        ]
        export_order = fields
