"""
Representations of the record for the API.

Every resource has a full serializer (its detail and list representation) and a brief one (id, url, slug, name),
which other records nest to point at it. Related records are written by id or slug and read as brief summaries.

Writes are checked exactly as the admin checks them: `ValidatedModelSerializer.validate()` builds the model instance
and calls `full_clean()`, so EDTF parsing, the model's `clean()` (a structure of the report's own site, a quote found
in its source) and every named constraint apply, and their messages come back as a 400 keyed by field.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries import countries
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from ..choices import CurationStatus, DesignationKind
from ..models import (
    Actor,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
    Period,
    Site,
    SiteName,
    Source,
    Structure,
    Threat,
)
from .fields import BriefRelatedField, DerivedField, QuantityField, RecordURLField, UncertainDateField
from .locations import SITE_EXAMPLE, SensitiveCoordinatesMixin


def api_url(basename, lookup_field="slug"):
    return RecordURLField(view_name=f"api:{basename}-detail", lookup_field=lookup_field)


class CountryCodeField(serializers.ChoiceField):
    """A django-countries field as its ISO code ("" when none): the Country object itself is not JSON."""

    def to_representation(self, value):
        return getattr(value, "code", value) or ""


def country_field(**kwargs):
    return CountryCodeField(choices=list(countries), help_text="ISO 3166-1 alpha-2 country code, e.g. SY.", **kwargs)


# --- Reading fast -------------------------------------------------------------------------------------------------

# DRF fields whose representation of a model column's value is the value itself (str, int, bool or None), as long
# as the field keeps the base class's to_representation (CountryCodeField, for one, does not).
PLAIN_FIELD_CLASSES = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)
PLAIN_REPRESENTATIONS = {cls.to_representation for cls in PLAIN_FIELD_CLASSES}


def is_plain(field, model):
    """Whether `field` only copies a plain model column: the read path may then take the value as it is."""
    if type(field).to_representation is serializers.BigIntegerField.to_representation:
        # Ids: the number itself, unless DRF is told to send big integers as strings.
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return False
    elif not isinstance(field, PLAIN_FIELD_CLASSES) or type(field).to_representation not in PLAIN_REPRESENTATIONS:
        return False
    columns = {f.name for f in model._meta.concrete_fields if not f.is_relation}
    return len(field.source_attrs) == 1 and field.source in columns


class FastReadMixin:
    """
    DRF's `to_representation()`, planned once per serializer instance: a field that only copies a plain column
    (`is_plain`) is read with one getattr, every other field goes through DRF exactly as before.

    A list serializer reuses one child instance for all its rows, and `BriefRelatedField` one brief serializer per
    field, so the plan is made once per page, not once per record: about half of a page's serialization time went
    into DRF's per-field calls that return the value unchanged.
    """

    def read_plan(self):
        plan = self.__dict__.get("_read_plan")
        if plan is None:
            model = self.Meta.model
            plan = self._read_plan = [
                (field.field_name, field.source if is_plain(field, model) else None, field)
                for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance):
        data = {}
        for name, column, field in self.read_plan():
            if column is not None:
                data[name] = getattr(instance, column)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            data[name] = None if check_for_none is None else field.to_representation(attribute)
        return data


# --- Brief forms, nested by other records -------------------------------------------------------------------------


class SiteBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A site in brief, as other records nest it."""

    url = api_url("site")

    class Meta:
        model = Site
        fields = ["id", "url", "slug", "name"]


class PeriodBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A period in brief, with its display label and widest span."""

    url = api_url("period")
    years_display = serializers.CharField(read_only=True, help_text="The widest span, e.g. '2000 BCE – 1600 BCE'.")

    class Meta:
        model = Period
        fields = ["id", "url", "slug", "name", "label", "years_display"]


class ActorBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """An actor in brief."""

    url = api_url("actor")

    class Meta:
        model = Actor
        fields = ["id", "url", "slug", "name"]


class EventBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """An event in brief."""

    url = api_url("event")

    class Meta:
        model = Event
        fields = ["id", "url", "slug", "title"]


class OccupationBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """An occupation in brief: who held which site, when."""

    url = api_url("occupation")
    display = DerivedField(
        Occupation.describe,
        ["occupier__name", "site__name", "started", "ended"],
        help_text="Who held which site, when, e.g. 'ISIS at Palmyra (2015-05-21 – 2016-03-27)'.",
    )

    class Meta:
        model = Occupation
        fields = ["id", "url", "slug", "display"]


class DisturbanceCauseBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A disturbance-cause term in brief."""

    url = api_url("disturbance-cause")

    class Meta:
        model = DisturbanceCause
        fields = ["id", "url", "slug", "name", "category"]


class SourceBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A source in brief."""

    url = api_url("source")

    class Meta:
        model = Source
        fields = ["id", "url", "slug", "title"]


class StructureBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A structure within a site, in brief."""

    class Meta:
        model = Structure
        fields = ["id", "slug", "name"]


class CitationBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A cited passage as records nest it: the words, who they are attributed to, and the source they stand in."""

    url = api_url("citation", lookup_field="pk")
    source = SourceBriefSerializer(read_only=True)
    attributed_to = ActorBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["id", "url", "quote", "attribution", "attributed_to", "source"]


class DamageReportBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A damage report in brief."""

    url = api_url("damage-report")

    class Meta:
        model = DamageReport
        fields = ["id", "url", "slug", "severity"]


class ThreatBriefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A threat in brief."""

    url = api_url("threat")

    class Meta:
        model = Threat
        fields = ["id", "url", "slug"]


# --- Writable base ------------------------------------------------------------------------------------------------


def as_field_errors(exc):
    """A Django ValidationError as DRF error detail, with whole-record errors under `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        errors = {}
        for field, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            errors.setdefault(key, []).extend(messages)
        return errors
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


class ValidatedModelSerializer(FastReadMixin, serializers.ModelSerializer):
    """
    A ModelSerializer whose writes pass the model's own validation (`full_clean()`), as admin forms do.

    Override `prepare_instance()` to fill in what the model derives before it is checked, and `derived_attrs()` to
    carry what validation worked out back into the data that is saved.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        plain = {name: value for name, value in attrs.items() if name not in many_to_many}
        if self.instance is None:
            instance = model(**plain)
        else:
            # A copy, so that a rejected PATCH leaves the record the view holds untouched.
            instance = copy.copy(self.instance)
            for name, value in plain.items():
                setattr(instance, name, value)
        try:
            self.prepare_instance(instance)
            instance.full_clean()
            if "citations" in attrs:
                instance.clean_citations(attrs["citations"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(as_field_errors(exc)) from exc
        return self.derived_attrs(attrs, instance)

    def prepare_instance(self, instance):
        """Hook: complete the unsaved instance before full_clean() (raise Django's ValidationError if impossible)."""

    def derived_attrs(self, attrs, instance):
        """Hook: return the attrs to save, given the instance that passed full_clean()."""
        return attrs


def citations_field():
    return BriefRelatedField(
        CitationBriefSerializer,
        queryset=Citation.objects.select_related("source", "attributed_to"),
        many=True,
        required=False,
        help_text="The passages of sources that support this record (write: a list of citation ids).",
    )


# --- Full forms ---------------------------------------------------------------------------------------------------


class SiteNameSerializer(serializers.ModelSerializer):
    """Another name of a site: local, historical, an epithet."""

    class Meta:
        model = SiteName
        fields = ["name", "kind", "language"]


class DesignationSerializer(serializers.ModelSerializer):
    """A protected status a site held over a span of time."""

    valid_from = UncertainDateField("valid_from", read_only=True)
    valid_to = UncertainDateField("valid_to", read_only=True, help_text="Empty EDTF while the status holds.")
    granted_by = ActorBriefSerializer(read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Designation
        fields = ["kind", "reference", "valid_from", "valid_to", "is_current", "granted_by"]


@extend_schema_serializer(examples=[SITE_EXAMPLE])
class SiteSerializer(SensitiveCoordinatesMixin, ValidatedModelSerializer):
    """
    A heritage place; `periods`, `names` and `designations` are read-only here (curated in the admin). A sensitive
    site's coordinates are exact only for users who may view sites (locations.py).
    """

    url = api_url("site")
    country = country_field()
    country_name = serializers.CharField(source="country.name", read_only=True)
    names = SiteNameSerializer(many=True, read_only=True, help_text="Other names: local, historical, epithets.")
    designations = DesignationSerializer(many=True, read_only=True, help_text="Protected statuses, past and present.")
    in_danger = serializers.SerializerMethodField(help_text="Currently on the List of World Heritage in Danger.")
    periods = PeriodBriefSerializer(many=True, read_only=True, help_text="The periods its remains date from.")
    citations = citations_field()

    class Meta:
        model = Site
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "country_name",
            "description",
            "latitude",
            "longitude",
            "location_certainty",
            "names",
            "designations",
            "in_danger",
            "periods",
            "citations",
            "created",
            "last_updated",
        ]

    def validate(self, attrs):
        site = self.instance
        user = getattr(self.context.get("request"), "user", None)
        if site is not None and not site.shows_exact_location_to(user):
            # The client was shown the public point only: sending it back changes nothing; sending anything else
            # would overwrite a location it cannot see, and is refused.
            shown = dict(zip(("latitude", "longitude"), site.coordinates_for(user), strict=True))
            for name, value in shown.items():
                if name in attrs and attrs[name] != value:
                    raise serializers.ValidationError(
                        {name: "This site's exact location is hidden from you, so you cannot change it."}
                    )
                attrs.pop(name, None)
        return super().validate(attrs)

    def get_in_danger(self, site) -> bool:
        # Reads the prefetched designations: no query per site.
        return any(d.kind == DesignationKind.WORLD_HERITAGE_IN_DANGER and d.is_current for d in site.designations.all())


class PeriodSerializer(ValidatedModelSerializer):
    """A named span of history; years are astronomical (1 BCE is 0, 2000 BCE is -1999)."""

    url = api_url("period")
    years_display = serializers.CharField(
        read_only=True, help_text="The widest span as historical years, e.g. '2000 BCE – 1600 BCE'."
    )
    citations = citations_field()

    class Meta:
        model = Period
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "label",
            "start_earliest",
            "start_latest",
            "stop_earliest",
            "stop_latest",
            "years_display",
            "spatial_coverage",
            "description",
            "citations",
            "created",
            "last_updated",
        ]
        extra_kwargs = {
            name: {
                "help_text": "Astronomical year: 1 CE is 1, 1 BCE is 0, 2000 BCE is -1999.",
                "min_value": -(2**31) + 1,
                "max_value": 2**31 - 1,
            }
            for name in ["start_earliest", "start_latest", "stop_earliest", "stop_latest"]
        }


class ActorSerializer(ValidatedModelSerializer):
    """A party the record names."""

    url = api_url("actor")
    country = country_field(allow_blank=True, required=False)
    parent = BriefRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False, help_text="Part of."
    )
    aliases = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, help_text="Other names it goes by."
    )
    citations = citations_field()

    class Meta:
        model = Actor
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "parent",
            "aliases",
            "description",
            "citations",
            "created",
            "last_updated",
        ]


class OccupationSerializer(ValidatedModelSerializer):
    """Armed control of a site over a span of time; `reported_duration` is the length the source gave."""

    url = api_url("occupation")
    site = BriefRelatedField(SiteBriefSerializer, queryset=Site.objects.all())
    occupier = BriefRelatedField(ActorBriefSerializer, queryset=Actor.objects.all())
    started = UncertainDateField("started", help_text="When it started (EDTF), with the derived bounds.")
    ended = UncertainDateField("ended", help_text="When it ended (EDTF; empty while ongoing), with the bounds.")
    is_ongoing = serializers.BooleanField(read_only=True)
    ending_event = BriefRelatedField(
        EventBriefSerializer, queryset=Event.objects.all(), allow_null=True, required=False
    )
    ended_by = ActorBriefSerializer(
        many=True, read_only=True, help_text="Who ended it: the agents of its ending event."
    )
    reported_duration = QuantityField(help_text="The duration as the source reported it, e.g. about ten months.")
    citations = citations_field()

    class Meta:
        model = Occupation
        fields = [
            "id",
            "url",
            "slug",
            "site",
            "occupier",
            "started",
            "started_inferred",
            "ended",
            "ended_inferred",
            "is_ongoing",
            "dating_note",
            "end_kind",
            "ending_event",
            "ended_by",
            "reported_duration",
            "description",
            "citations",
            "created",
            "last_updated",
        ]


class EventParticipantSerializer(serializers.ModelSerializer):
    """The part an actor played in an event."""

    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = EventParticipant
        fields = ["actor", "role", "description"]


class EventFigureSerializer(serializers.ModelSerializer):
    """A number reported about an event."""

    quantity = QuantityField(read_only=True)

    class Meta:
        model = EventFigure
        fields = ["measure", "quantity"]


class EventSerializer(ValidatedModelSerializer):
    """A dated happening; participants and figures are read-only here (curated in the admin)."""

    url = api_url("event")
    site = BriefRelatedField(SiteBriefSerializer, queryset=Site.objects.all(), allow_null=True, required=False)
    part_of = BriefRelatedField(EventBriefSerializer, queryset=Event.objects.all(), allow_null=True, required=False)
    occurred = UncertainDateField("occurred", help_text="When (EDTF; empty if undated), with the derived bounds.")
    participants = EventParticipantSerializer(many=True, read_only=True, help_text="Who took part, and how.")
    figures = EventFigureSerializer(many=True, read_only=True, help_text="Numbers reported about it.")
    citations = citations_field()

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "kind",
            "site",
            "part_of",
            "occurred",
            "occurred_inferred",
            "dating_note",
            "description",
            "statement",
            "participants",
            "figures",
            "citations",
            "created",
            "last_updated",
        ]


class DamageReportSerializer(ValidatedModelSerializer):
    """Observed damage to a site or a structure in it: what, how badly, when, by whom, how sure."""

    url = api_url("damage-report")
    site = BriefRelatedField(SiteBriefSerializer, queryset=Site.objects.all())
    structure = BriefRelatedField(
        StructureBriefSerializer, queryset=Structure.objects.all(), allow_null=True, required=False
    )
    cause = BriefRelatedField(DisturbanceCauseBriefSerializer, queryset=DisturbanceCause.objects.all())
    occurred = UncertainDateField(
        "occurred", help_text="When (EDTF). Empty with an occupation: the bounds are then the occupation's."
    )
    occupation = BriefRelatedField(
        OccupationBriefSerializer,
        queryset=Occupation.objects.select_related("site", "occupier"),
        allow_null=True,
        required=False,
    )
    perpetrator = BriefRelatedField(ActorBriefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False)
    citations = citations_field()

    class Meta:
        model = DamageReport
        fields = [
            "id",
            "url",
            "slug",
            "site",
            "structure",
            "cause",
            "severity",
            "extent",
            "is_permanent",
            "occurred",
            "occupation",
            "perpetrator",
            "certainty",
            "status",
            "status_changed_at",
            "description",
            "citations",
            "created",
            "last_updated",
        ]
        # The curation status moves only through the workflow (POST .../status/), which checks the move and the
        # citations and records who made it; a new report starts as a draft.
        read_only_fields = ["status", "status_changed_at"]


class StatusChangeSerializer(serializers.Serializer):
    """A move of a damage report through the verification workflow."""

    status = serializers.ChoiceField(choices=CurationStatus.choices, help_text="The status to move the report to.")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Why, for the report's history."
    )


class ThreatSerializer(ValidatedModelSerializer):
    """A present danger to a site or its people, not (yet) recorded as damage."""

    url = api_url("threat")
    site = BriefRelatedField(SiteBriefSerializer, queryset=Site.objects.all())
    cause = BriefRelatedField(DisturbanceCauseBriefSerializer, queryset=DisturbanceCause.objects.all())
    observed = UncertainDateField("observed", help_text="When the danger was reported to exist (EDTF), with bounds.")
    quantity = QuantityField(help_text="A reported number, e.g. at least 150 mines.")
    citations = citations_field()

    class Meta:
        model = Threat
        fields = [
            "id",
            "url",
            "slug",
            "site",
            "cause",
            "endangers",
            "consequence",
            "observed",
            "quantity",
            "certainty",
            "status",
            "description",
            "citations",
            "created",
            "last_updated",
        ]


class SourceSerializer(ValidatedModelSerializer):
    """A document the record rests on; `web_url` is where it is published, `url` its API address."""

    url = api_url("source")
    # The model's own `url` (where the document is published) is `web_url` here: `url` is the API link everywhere.
    web_url = serializers.URLField(source="url", max_length=500, required=False, allow_blank=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "kind",
            "publisher",
            "web_url",
            "published",
            "text_path",
            "notes",
            "created",
            "last_updated",
        ]


class CitationSerializer(ValidatedModelSerializer):
    """
    A cited passage. On write, give `source` and the exact `quote`; the offsets are found in the source's text when
    left out, and checked against it when given.
    """

    url = api_url("citation", lookup_field="pk")
    source = BriefRelatedField(SourceBriefSerializer, queryset=Source.objects.all())
    attributed_to = BriefRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "source",
            "quote",
            "char_start",
            "char_end",
            "attributed_to",
            "attribution",
            "created",
            "last_updated",
        ]
        # full_clean() checks the unique constraints; DRF's own validators for them would make the offsets required.
        validators = []
        extra_kwargs = {
            "char_start": {"required": False, "max_value": 2**31 - 1},
            "char_end": {"required": False, "max_value": 2**31 - 1},
        }

    def prepare_instance(self, instance):
        if instance.char_start is None and instance.char_end is None and instance.quote and instance.source_id:
            try:
                instance.locate()
            except OSError as exc:
                raise DjangoValidationError({"source": f"The source's text cannot be read: {exc}."}) from exc

    def derived_attrs(self, attrs, instance):
        return {**attrs, "char_start": instance.char_start, "char_end": instance.char_end}


class DisturbanceCauseSerializer(serializers.ModelSerializer):
    """A term of the disturbance-cause thesaurus (EAMENA)."""

    url = api_url("disturbance-cause")

    class Meta:
        model = DisturbanceCause
        fields = ["id", "url", "slug", "name", "category", "scope_note", "scheme"]
