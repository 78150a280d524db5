"""
Managed vocabularies: event types, quantity units, source types, disturbance categories and site conditions become
tables, and the records' fields that held a fixed choice become keys to a term's slug, in the same column.

Hand-ordered so that an existing database keeps its meaning: the term tables are created; the terms that existing
rows use are inserted (with the labels the old choices gave them); an empty quantity unit becomes NULL (a key
cannot be ""); a disturbance cause's old category becomes the EAMENA category it meant; only then do the columns
become foreign keys. The fixtures (fixtures/eamena-vocabularies.json, fixtures/vocabularies.json) later fill in
the Arabic labels and scope notes of the same terms by their slugs.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import heritage.records.models.base

# The labels of the choices these tables replace, as they stood in 0008.
EVENT_TYPES = {
    "military_operation": "Military operation",
    "air_campaign": "Air campaign",
    "capture": "Capture or recapture of a place",
    "declaration": "Declaration",
    "statement": "Public statement",
    "criticism": "Criticism",
    "discovery": "Discovery",
    "displacement": "Displacement of people",
    "conflict": "Armed conflict",
}
QUANTITY_UNITS = {unit: unit for unit in ["sorties", "targets", "days", "months", "mines", "people", "objects"]}
SOURCE_TYPES = {
    "news_article": "News article",
    "report": "Report",
    "official_statement": "Official statement",
    "imagery_assessment": "Satellite imagery assessment",
    "publication": "Scholarly publication",
    "website": "Website",
}
# The old disturbance categories, and the EAMENA category (slug, label) each meant.
CATEGORIES = {
    "conflict": ("military-armed-conflict", "Military/Armed Conflict"),
    "vandalism": ("vandalism", "Vandalism"),
    "looting": ("looting-illegal-activities", "Looting/Illegal Activities"),
    "development": ("building-and-development", "Building and Development"),
    "agriculture": ("agricultural-pastoral", "Agricultural/Pastoral"),
    "natural": ("natural", "Natural"),
    "unknown": ("unknown", "Unknown"),
}
QUANTITY_MODELS = ["eventfigure", "occupation", "threat"]


def insert_terms_in_use(apps, schema_editor):
    def used(model_names, field):
        values = set()
        for name in model_names:
            values |= set(apps.get_model("records", name).objects.values_list(field, flat=True))
        return values - {None, ""}

    def insert(term_model, slugs, labels, scheme):
        Term = apps.get_model("records", term_model)
        for slug in sorted(slugs):
            # A value outside the old choices (they were not enforced by the database) keeps its text as its label.
            Term.objects.get_or_create(slug=slug, defaults={"label": labels.get(slug, slug), "scheme": scheme})

    insert("EventType", used(["event", "historicalevent"], "kind"), EVENT_TYPES, "heritage")
    insert("SourceType", used(["source", "historicalsource"], "kind"), SOURCE_TYPES, "heritage")
    units = used([*QUANTITY_MODELS, *(f"historical{name}" for name in QUANTITY_MODELS)], "quantity_unit")
    insert("QuantityUnit", units, QUANTITY_UNITS, "heritage")
    for name in QUANTITY_MODELS:
        for model in (name, f"historical{name}"):
            apps.get_model("records", model).objects.filter(quantity_unit="").update(quantity_unit=None)

    Category = apps.get_model("records", "DisturbanceCategory")
    for model in ("DisturbanceCause", "HistoricalDisturbanceCause"):
        causes = apps.get_model("records", model).objects
        for old in sorted(set(causes.values_list("category", flat=True)) - {None, ""}):
            slug, label = CATEGORIES.get(old, (old, old))
            Category.objects.get_or_create(slug=slug, defaults={"label": label, "scheme": "EAMENA"})
            causes.filter(category=old).update(category=slug)
    check_deferred_constraints_now(schema_editor)


def check_deferred_constraints_now(schema_editor):
    # PostgreSQL refuses to ALTER a table with pending (deferred) foreign-key checks, which the updates above queue:
    # run them now, so the columns can become keys in the same transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_old_values(apps, schema_editor):
    for name in QUANTITY_MODELS:
        for model in (name, f"historical{name}"):
            apps.get_model("records", model).objects.filter(quantity_unit=None).update(quantity_unit="")
    for model in ("DisturbanceCause", "HistoricalDisturbanceCause"):
        causes = apps.get_model("records", model).objects
        for old, (slug, _) in CATEGORIES.items():
            causes.filter(category=slug).update(category=old)
    check_deferred_constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0011_workflow_threat_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DisturbanceCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True, null=True, verbose_name="created")),
                ("last_updated", models.DateTimeField(auto_now=True, null=True, verbose_name="last updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(max_length=100, unique=True, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "disturbance category",
                "verbose_name_plural": "disturbance categories",
                "ordering": ["label"],
                "abstract": False,
            },
            bases=(heritage.records.models.base.SlugNaturalKeyMixin, models.Model),
        ),
        migrations.CreateModel(
            name="EventType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True, null=True, verbose_name="created")),
                ("last_updated", models.DateTimeField(auto_now=True, null=True, verbose_name="last updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(max_length=100, unique=True, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "event type",
                "verbose_name_plural": "event types",
                "ordering": ["label"],
                "abstract": False,
            },
            bases=(heritage.records.models.base.SlugNaturalKeyMixin, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDisturbanceCategory",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created")),
                (
                    "last_updated",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(db_index=True, max_length=100, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical disturbance category",
                "verbose_name_plural": "historical disturbance categories",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEventType",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created")),
                (
                    "last_updated",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(db_index=True, max_length=100, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical event type",
                "verbose_name_plural": "historical event types",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalQuantityUnit",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created")),
                (
                    "last_updated",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(db_index=True, max_length=100, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical quantity unit",
                "verbose_name_plural": "historical quantity units",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSiteCondition",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created")),
                (
                    "last_updated",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(db_index=True, max_length=100, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical site condition",
                "verbose_name_plural": "historical site conditions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSourceType",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created")),
                (
                    "last_updated",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(db_index=True, max_length=100, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical source type",
                "verbose_name_plural": "historical source types",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="QuantityUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True, null=True, verbose_name="created")),
                ("last_updated", models.DateTimeField(auto_now=True, null=True, verbose_name="last updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(max_length=100, unique=True, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "quantity unit",
                "verbose_name_plural": "quantity units",
                "ordering": ["label"],
                "abstract": False,
            },
            bases=(heritage.records.models.base.SlugNaturalKeyMixin, models.Model),
        ),
        migrations.CreateModel(
            name="SiteCondition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True, null=True, verbose_name="created")),
                ("last_updated", models.DateTimeField(auto_now=True, null=True, verbose_name="last updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(max_length=100, unique=True, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "site condition",
                "verbose_name_plural": "site conditions",
                "ordering": ["label"],
                "abstract": False,
            },
            bases=(heritage.records.models.base.SlugNaturalKeyMixin, models.Model),
        ),
        migrations.CreateModel(
            name="SourceType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True, null=True, verbose_name="created")),
                ("last_updated", models.DateTimeField(auto_now=True, null=True, verbose_name="last updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, editable=False, help_text="Rises by one with every change.", verbose_name="version"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="What records store and the API shows; cannot change once records use it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("label", models.CharField(max_length=100, unique=True, verbose_name="label")),
                ("label_ar", models.CharField(blank=True, max_length=200, verbose_name="Arabic label")),
                (
                    "scope_note",
                    models.TextField(blank=True, help_text="What the term covers.", verbose_name="scope note"),
                ),
                ("scope_note_ar", models.TextField(blank=True, verbose_name="Arabic scope note")),
                (
                    "scheme",
                    models.CharField(
                        default="heritage",
                        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                        max_length=50,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "source type",
                "verbose_name_plural": "source types",
                "ordering": ["label"],
                "abstract": False,
            },
            bases=(heritage.records.models.base.SlugNaturalKeyMixin, models.Model),
        ),
        migrations.AlterModelOptions(
            name="disturbancecause",
            options={
                "ordering": ["label"],
                "verbose_name": "disturbance cause",
                "verbose_name_plural": "disturbance causes",
            },
        ),
        migrations.RemoveConstraint(
            model_name="eventfigure",
            name="records_eventfigure_quantity_has_qualifier_and_unit",
        ),
        migrations.RemoveConstraint(
            model_name="occupation",
            name="records_occupation_quantity_has_qualifier_and_unit",
        ),
        migrations.RemoveConstraint(
            model_name="threat",
            name="records_threat_quantity_has_qualifier_and_unit",
        ),
        migrations.RenameField(
            model_name="disturbancecause",
            old_name="name",
            new_name="label",
        ),
        migrations.RenameField(
            model_name="historicaldisturbancecause",
            old_name="name",
            new_name="label",
        ),
        migrations.AlterField(
            model_name="disturbancecause",
            name="label",
            field=models.CharField(max_length=100, unique=True, verbose_name="label"),
        ),
        migrations.AlterField(
            model_name="historicaldisturbancecause",
            name="label",
            field=models.CharField(db_index=True, max_length=100, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="disturbancecause",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                verbose_name="active",
            ),
        ),
        migrations.AddField(
            model_name="disturbancecause",
            name="label_ar",
            field=models.CharField(blank=True, max_length=200, verbose_name="Arabic label"),
        ),
        migrations.AddField(
            model_name="disturbancecause",
            name="scope_note_ar",
            field=models.TextField(blank=True, verbose_name="Arabic scope note"),
        ),
        migrations.AddField(
            model_name="historicaldisturbancecause",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
                verbose_name="active",
            ),
        ),
        migrations.AddField(
            model_name="historicaldisturbancecause",
            name="label_ar",
            field=models.CharField(blank=True, max_length=200, verbose_name="Arabic label"),
        ),
        migrations.AddField(
            model_name="historicaldisturbancecause",
            name="scope_note_ar",
            field=models.TextField(blank=True, verbose_name="Arabic scope note"),
        ),
        migrations.AddField(
            model_name="historicalsite",
            name="condition_assessed",
            field=models.DateField(
                blank=True, help_text="When the condition was assessed.", null=True, verbose_name="condition assessed"
            ),
        ),
        migrations.AddField(
            model_name="site",
            name="condition_assessed",
            field=models.DateField(
                blank=True, help_text="When the condition was assessed.", null=True, verbose_name="condition assessed"
            ),
        ),
        migrations.AlterField(
            model_name="damagereport",
            name="certainty",
            field=models.CharField(
                choices=[
                    ("not_applicable", "Not applicable"),
                    ("negligible", "Negligible"),
                    ("low", "Low"),
                    ("medium", "Medium"),
                    ("high", "High"),
                    ("definite", "Definite"),
                ],
                max_length=20,
                verbose_name="certainty",
            ),
        ),
        migrations.AlterField(
            model_name="damagereport",
            name="severity",
            field=models.CharField(
                choices=[
                    ("destroyed", "Destroyed"),
                    ("severely_damaged", "Severely damaged"),
                    ("moderately_damaged", "Moderately damaged"),
                    ("possibly_damaged", "Possibly damaged"),
                    ("no_visible_damage", "No visible damage"),
                    ("not_assessed", "Not assessed"),
                ],
                help_text="UNOSAT scale.",
                max_length=20,
                verbose_name="severity",
            ),
        ),
        migrations.AlterField(
            model_name="disturbancecause",
            name="scheme",
            field=models.CharField(
                default="heritage",
                help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                max_length=50,
                verbose_name="scheme",
            ),
        ),
        migrations.AlterField(
            model_name="disturbancecause",
            name="slug",
            field=models.SlugField(
                help_text="What records store and the API shows; cannot change once records use it.",
                max_length=100,
                unique=True,
                verbose_name="slug",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldamagereport",
            name="certainty",
            field=models.CharField(
                choices=[
                    ("not_applicable", "Not applicable"),
                    ("negligible", "Negligible"),
                    ("low", "Low"),
                    ("medium", "Medium"),
                    ("high", "High"),
                    ("definite", "Definite"),
                ],
                max_length=20,
                verbose_name="certainty",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldamagereport",
            name="severity",
            field=models.CharField(
                choices=[
                    ("destroyed", "Destroyed"),
                    ("severely_damaged", "Severely damaged"),
                    ("moderately_damaged", "Moderately damaged"),
                    ("possibly_damaged", "Possibly damaged"),
                    ("no_visible_damage", "No visible damage"),
                    ("not_assessed", "Not assessed"),
                ],
                help_text="UNOSAT scale.",
                max_length=20,
                verbose_name="severity",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldisturbancecause",
            name="scheme",
            field=models.CharField(
                default="heritage",
                help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
                max_length=50,
                verbose_name="scheme",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldisturbancecause",
            name="slug",
            field=models.SlugField(
                help_text="What records store and the API shows; cannot change once records use it.",
                max_length=100,
                verbose_name="slug",
            ),
        ),
        migrations.AlterField(
            model_name="historicalthreat",
            name="certainty",
            field=models.CharField(
                choices=[
                    ("not_applicable", "Not applicable"),
                    ("negligible", "Negligible"),
                    ("low", "Low"),
                    ("medium", "Medium"),
                    ("high", "High"),
                    ("definite", "Definite"),
                ],
                max_length=20,
                verbose_name="certainty",
            ),
        ),
        migrations.AlterField(
            model_name="threat",
            name="certainty",
            field=models.CharField(
                choices=[
                    ("not_applicable", "Not applicable"),
                    ("negligible", "Negligible"),
                    ("low", "Low"),
                    ("medium", "Medium"),
                    ("high", "High"),
                    ("definite", "Definite"),
                ],
                max_length=20,
                verbose_name="certainty",
            ),
        ),
        migrations.AlterField(
            model_name="eventfigure",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        migrations.AlterField(
            model_name="occupation",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        migrations.AlterField(
            model_name="threat",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        migrations.AlterField(
            model_name="historicaleventfigure",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        migrations.AlterField(
            model_name="historicaloccupation",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        migrations.AlterField(
            model_name="historicalthreat",
            name="quantity_unit",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="unit"),
        ),
        # Room for the EAMENA categories' slugs, longer than the old values.
        migrations.AlterField(
            model_name="disturbancecause",
            name="category",
            field=models.CharField(max_length=100, verbose_name="category"),
        ),
        migrations.AlterField(
            model_name="historicaldisturbancecause",
            name="category",
            field=models.CharField(max_length=100, verbose_name="category"),
        ),
        # The data, between the old columns and the new keys: every term a record uses now exists.
        migrations.RunPython(insert_terms_in_use, restore_old_values),
        migrations.AlterField(
            model_name="disturbancecause",
            name="category",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                help_text="EAMENA's files do not link cause types to categories; empty where none was assigned.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                db_column="category",
                related_name="causes",
                to="records.disturbancecategory",
                to_field="slug",
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldisturbancecause",
            name="category",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="category",
                db_constraint=False,
                help_text="EAMENA's files do not link cause types to categories; empty where none was assigned.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.disturbancecategory",
                to_field="slug",
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=heritage.records.models.base.TermForeignKey(
                db_column="kind",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="records.eventtype",
                to_field="slug",
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="kind",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="kind",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.eventtype",
                to_field="slug",
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="historicaldisturbancecategory",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicaleventtype",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalquantityunit",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalsitecondition",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalsourcetype",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="eventfigure",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="historicaleventfigure",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="historicaloccupation",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="historicalthreat",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="occupation",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="threat",
            name="quantity_unit",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="quantity_unit",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="records.quantityunit",
                to_field="slug",
                verbose_name="unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("quantity_max__isnull", True),
                        ("quantity_min__isnull", True),
                        ("quantity_qualifier", ""),
                        ("quantity_unit__isnull", True),
                    ),
                    models.Q(
                        models.Q(("quantity_min__isnull", False), ("quantity_max__isnull", False), _connector="OR"),
                        models.Q(("quantity_qualifier", ""), _negated=True),
                        ("quantity_unit__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="records_eventfigure_quantity_has_qualifier_and_unit",
                violation_error_message="A quantity needs a qualifier and unit; a qualifier or unit needs a quantity.",
            ),
        ),
        migrations.AddConstraint(
            model_name="occupation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("quantity_max__isnull", True),
                        ("quantity_min__isnull", True),
                        ("quantity_qualifier", ""),
                        ("quantity_unit__isnull", True),
                    ),
                    models.Q(
                        models.Q(("quantity_min__isnull", False), ("quantity_max__isnull", False), _connector="OR"),
                        models.Q(("quantity_qualifier", ""), _negated=True),
                        ("quantity_unit__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="records_occupation_quantity_has_qualifier_and_unit",
                violation_error_message="A quantity needs a qualifier and unit; a qualifier or unit needs a quantity.",
            ),
        ),
        migrations.AddConstraint(
            model_name="threat",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("quantity_max__isnull", True),
                        ("quantity_min__isnull", True),
                        ("quantity_qualifier", ""),
                        ("quantity_unit__isnull", True),
                    ),
                    models.Q(
                        models.Q(("quantity_min__isnull", False), ("quantity_max__isnull", False), _connector="OR"),
                        models.Q(("quantity_qualifier", ""), _negated=True),
                        ("quantity_unit__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="records_threat_quantity_has_qualifier_and_unit",
                violation_error_message="A quantity needs a qualifier and unit; a qualifier or unit needs a quantity.",
            ),
        ),
        migrations.AddField(
            model_name="historicalsite",
            name="condition",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="condition",
                db_constraint=False,
                help_text="EAMENA's overall site condition, as last assessed.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.sitecondition",
                to_field="slug",
                verbose_name="overall condition",
            ),
        ),
        migrations.AddField(
            model_name="site",
            name="condition",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="condition",
                help_text="EAMENA's overall site condition, as last assessed.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sites",
                to="records.sitecondition",
                to_field="slug",
                verbose_name="overall condition",
            ),
        ),
        migrations.AddConstraint(
            model_name="site",
            constraint=models.CheckConstraint(
                condition=models.Q(("condition_assessed__isnull", True), ("condition__isnull", False), _connector="OR"),
                name="records_site_condition_assessed_needs_condition",
                violation_error_message="An assessment date (condition assessed) needs the condition assessed.",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="kind",
            field=heritage.records.models.base.TermForeignKey(
                blank=True,
                db_column="kind",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="records.sourcetype",
                to_field="slug",
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="kind",
            field=heritage.records.models.base.TermForeignKey(
                db_column="kind",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sources",
                to="records.sourcetype",
                to_field="slug",
                verbose_name="kind",
            ),
        ),
    ]
