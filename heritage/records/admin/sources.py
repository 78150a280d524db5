"""Sources and citations: pick a source, paste the quote, and the offsets are found in the source's text."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..models import Citation, Source
from ..models.base import CitedRecord
from .base import RecordAdmin
from .forms import VersionCheckedForm


class CitationForm(VersionCheckedForm):
    """
    The offsets are optional: left blank, or left as they were while the quote or source changed, they are found
    by `Citation.locate()`, which refuses (on the quote field) a quote the source does not contain, or contains twice.
    """

    class Meta:
        model = Citation
        fields = ["source", "quote", "char_start", "char_end", "attributed_to", "attribution"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("char_start", "char_end"):
            if name in self.fields:  # read-only (and so not in the form) for those who may only view
                self.fields[name].required = False
                self.fields[name].help_text += " Leave blank to find it from the quote."

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source is not None:
            try:
                source.text  # noqa: B018  (locating the quote reads it; say so here rather than fail later)
            except (OSError, UnicodeDecodeError) as exc:
                self.add_error("source", f"This source's text file cannot be read ({exc}); fix its text file first.")
                return cleaned
        moved = {"quote", "source"} & set(self.changed_data)
        if moved and not {"char_start", "char_end"} & set(self.changed_data):
            # The old offsets belonged to the old quote: find the new one's.
            cleaned["char_start"] = cleaned["char_end"] = None
        if (cleaned.get("char_start") is None) != (cleaned.get("char_end") is None):
            raise forms.ValidationError("Give both offsets, or leave both blank to find them from the quote.")
        return cleaned


def quote_in_context(citation):
    """The quote highlighted (<mark>) within its surrounding words, escaped."""
    try:
        before, quote, after = citation.context
    except OSError as exc:
        return f"(the source's text cannot be read: {exc})"
    return format_html('<span class="quote-context">…{}<mark>{}</mark>{}…</span>', before, quote, after)


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    form = CitationForm
    list_display = ["short_quote", "source", "char_start", "char_end", "attributed_to"]
    list_filter = [("source", admin.RelatedOnlyFieldListFilter), ("attributed_to", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["quote", "attribution", "source__title"]
    list_select_related = ["source", "attributed_to"]
    autocomplete_fields = ["source", "attributed_to"]
    readonly_fields = ["in_context", "cited_by"]
    fieldsets = [
        (None, {"fields": ["source", "quote", "in_context"]}),
        ("Offsets in the source's text", {"fields": [("char_start", "char_end")]}),
        ("Attribution", {"fields": ["attributed_to", "attribution"]}),
        ("Cited by", {"fields": ["cited_by"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, citation):
        return citation.quote if len(citation.quote) <= 90 else f"{citation.quote[:89]}…"

    @admin.display(description="in context")
    def in_context(self, citation):
        if citation.pk is None:
            return "Shown after saving."
        return quote_in_context(citation)

    def get_deleted_objects(self, objs, request):
        # Deleting the only citation of a verified report is refused (signals.keep_verified_reports_cited): say so
        # on the confirmation page, as Django does for records that other records protect.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for citation in objs:
            for report in citation.verified_reports_resting_on_it():
                protected.append(f"Verified damage report (its only citation): {report}")
        return deleted, counts, perms_needed, protected

    def get_form(self, request, obj=None, **kwargs):
        self.viewer = request.user  # for cited_by, which the admin calls with the citation only
        return super().get_form(request, obj, **kwargs)

    @admin.display(description="records citing it")
    def cited_by(self, citation):
        if citation.pk is None:
            return "—"
        links = []
        for relation in Citation._meta.related_objects:
            if relation.many_to_many and issubclass(relation.related_model, CitedRecord):
                records = getattr(citation, relation.get_accessor_name()).visible_to(getattr(self, "viewer", None))
                for record in records:
                    url = reverse(f"admin:records_{record._meta.model_name}_change", args=[record.pk])
                    links.append((url, f"{record._meta.verbose_name}: {record}"))
        return format_html_join(", ", '<a href="{}">{}</a>', links) or "—"


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ["title", "kind", "publisher", "published", "text_path", "citation_count"]
    ordering = ["title"]  # explicit: the annotated (GROUP BY) queryset drops Meta.ordering
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "slug", "publisher", "url"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total
