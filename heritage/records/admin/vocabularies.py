"""
The managed vocabularies: event types, quantity units, source types, disturbance categories and causes, site
conditions. Curators add terms, correct their labels and scope notes, and retire them (untick "active"); a term that
records use cannot be deleted, and the delete page lists the records that use it.
"""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import DisturbanceCategory, DisturbanceCause, EventType, QuantityUnit, SiteCondition, SourceType
from .base import RecordAdmin


def usage_count(relation, user):
    """
    How many records that `user` may see use the term through `relation` (a reverse foreign key): one subquery, no
    join of lists.
    """
    field = relation.field
    rows = (
        field.model._default_manager.visible_to(user)
        .filter(**{field.name: OuterRef(field.target_field.attname)})
        .order_by()
        .values(field.name)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


class TermAdmin(RecordAdmin):
    list_display = ["label", "label_ar", "slug", "scheme", "is_active", "usage"]
    list_filter = ["scheme", "is_active"]
    search_fields = ["label", "label_ar", "slug", "scope_note"]
    prepopulated_fields = {"slug": ["label"]}
    fieldsets = [
        (None, {"fields": ["label", "slug", "scheme", "is_active", "scope_note"]}),
        ("Arabic", {"fields": ["label_ar", "scope_note_ar"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        relations = [relation for relation in self.model._meta.related_objects if relation.one_to_many]
        usage = sum((usage_count(relation, request.user) for relation in relations), Value(0))
        return super().get_queryset(request).annotate(usage_total=usage)

    @admin.display(description="in use by", ordering="usage_total")
    def usage(self, term):
        return term.usage_total

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # A record's form offers the current terms only; a retired one stays on the records that have it.
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates


@admin.register(EventType)
class EventTypeAdmin(TermAdmin):
    pass


@admin.register(QuantityUnit)
class QuantityUnitAdmin(TermAdmin):
    pass


@admin.register(SourceType)
class SourceTypeAdmin(TermAdmin):
    pass


@admin.register(DisturbanceCategory)
class DisturbanceCategoryAdmin(TermAdmin):
    pass


@admin.register(DisturbanceCause)
class DisturbanceCauseAdmin(TermAdmin):
    list_display = ["label", "label_ar", "category", "slug", "scheme", "is_active", "usage"]
    list_filter = [("category", admin.RelatedOnlyFieldListFilter), "scheme", "is_active"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    fieldsets = [
        (None, {"fields": ["label", "slug", "category", "scheme", "is_active", "scope_note"]}),
        *TermAdmin.fieldsets[1:],
    ]


@admin.register(SiteCondition)
class SiteConditionAdmin(TermAdmin):
    pass
