"""
Sources and citations.

A source is added by pasting its text or uploading its document (plain text, HTML, PDF): the text taken from an
upload is shown for the curator to confirm before anything is saved. A source's page is its reader: the text with
every citation highlighted; selecting words and choosing "Cite" makes a citation whose offsets come from the
selection. A citation's page attaches it to any number of records at once.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .. import selectors, services, texts
from ..models import Citation, Source
from . import uploads
from .attach import AttachAutocompleteView, AttachForm, cited_models
from .base import RecordAdmin, SafeAutocompleteSelect
from .forms import VersionCheckedForm, https_urls


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
        moved = {"quote", "source"} & set(self.changed_data)
        if moved and not {"char_start", "char_end"} & set(self.changed_data):
            # The old offsets belonged to the old quote: find the new one's.
            cleaned["char_start"] = cleaned["char_end"] = None
        if (cleaned.get("char_start") is None) != (cleaned.get("char_end") is None):
            raise forms.ValidationError("Give both offsets, or leave both blank to find them from the quote.")
        return cleaned


def quote_in_context(citation):
    """The quote highlighted (<mark>) within its surrounding words, escaped."""
    before, quote, after = citation.context
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
        # A new citation has no offsets yet; nor has one whose form was refused after the quote changed (the offsets
        # of the old quote were cleared, to be found from the new one).
        if citation.pk is None or citation.char_start is None or citation.char_end is None:
            return "Shown after saving."
        return quote_in_context(citation)

    def get_deleted_objects(self, objs, request):
        # Deleting the only citation of a verified record is refused (Citation.delete): say so on the confirmation
        # page, as Django does for records that other records protect.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for citation in objs:
            for record in citation.verified_records_resting_on_it():
                protected.append(f"Verified {record._meta.verbose_name} (its only citation): {record}")
        return deleted, counts, perms_needed, protected

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            # For cited_by, which the admin calls with the citation only. Kept on the citation, not on this admin,
            # which every request (and thread) shares: another user's request would otherwise choose what it lists.
            obj.viewer = request.user
        return super().get_form(request, obj, **kwargs)

    def get_urls(self):
        attach = path(
            "<path:object_id>/attach/", self.admin_site.admin_view(self.attach_view), name="records_citation_attach"
        )
        autocomplete = path(
            "<path:object_id>/attach/autocomplete/",
            self.admin_site.admin_view(self.attach_autocomplete_view),
            name="records_citation_attach_autocomplete",
        )
        return [attach, autocomplete, *super().get_urls()]

    def attach_view(self, request, object_id):
        """Attach this citation to any number of records, of every kind the user may change, in one step."""
        citation = self.get_object(request, unquote(object_id))
        if citation is None:
            raise Http404("No such citation.")
        form = AttachForm(
            request.POST or None,
            citation=citation,
            user=request.user,
            admin_site=self.admin_site,
            autocomplete_url=reverse("admin:records_citation_attach_autocomplete", args=[citation.pk]),
        )
        if not form.fields:
            raise PermissionDenied
        if request.method == "POST" and form.is_valid():
            attached = form.attach()
            if attached:
                names = "; ".join(f"{record._meta.verbose_name} “{record}”" for record in attached)
                self.message_user(request, f"Attached to the {names}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:records_citation_change", args=[citation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Attach this citation to records",
            "opts": self.model._meta,
            "original": citation,
            "form": form,
            "media": self.media + form.media,
            "quote": quote_in_context(citation),
        }
        return TemplateResponse(request, "admin/records/citation/attach.html", context)

    def attach_autocomplete_view(self, request, object_id):
        """The search behind each of the attach page's autocompletes (attach.py)."""
        citation = self.get_object(request, unquote(object_id))
        if citation is None:
            raise Http404("No such citation.")
        return AttachAutocompleteView.as_view(admin_site=self.admin_site, citation=citation)(request)

    @admin.display(description="records citing it")
    def cited_by(self, citation):
        if citation.pk is None:
            return "—"
        links = []
        for relation in cited_models():
            records = getattr(citation, relation.get_accessor_name()).visible_to(getattr(citation, "viewer", None))
            for record in records:
                url = reverse(f"admin:records_{record._meta.model_name}_change", args=[record.pk])
                links.append((url, f"{record._meta.verbose_name}: {record}"))
        return format_html_join(", ", '<a href="{}">{}</a>', links) or "—"


class SourceForm(VersionCheckedForm):
    """
    A source's record, and its text: pasted, or taken from an uploaded document. An upload is extracted and checked
    with everything else, then kept waiting (uploads.py) while the page shows the text it gave; the source is saved
    only when the curator confirms that text. A cited text is not editable (SourceAdmin shows it in the reader).
    """

    document = forms.FileField(
        label="or upload the document",
        required=False,
        help_text="Plain text (.txt, UTF-8), HTML or PDF: its text is taken from it and shown to you before anything "
        "is saved; the file is kept as the source's original.",
    )
    pending = forms.CharField(widget=forms.HiddenInput, required=False)
    pending_name = forms.CharField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(
        label="The text shown above is the document's text",
        required=False,
        help_text="Tick after reading the text taken from the upload; then save.",
    )

    class Meta:
        model = Source
        fields = [
            "title",
            "slug",
            "kind",
            "publisher",
            "url",
            "published",
            "retrieved",
            "archive_url",
            "language",
            "direction",
            "supersedes",
            "text",
            "notes",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 14, "cols": 100, "class": "source-text"})}
        formfield_callback = https_urls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extracted = None
        if "text" in self.fields:
            self.fields["text"].strip = False  # the words exactly as given: offsets count every character
            self.fields["text"].required = False
            self.fields["text"].help_text = (
                "Paste the document's words, exactly; line endings become \\n. Or upload the document below."
                if self.instance.pk is None
                else "Editable until a citation quotes it; then fixed."
            )
        if self.instance.pk is not None:
            for name in ("document", "pending", "pending_name", "confirmed"):
                self.fields.pop(name, None)
        self.max_bytes = texts.max_original_bytes()

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix("text"))
        # A text sent from a page opened while it was editable, before a citation fixed it.
        if "text" not in self.fields and sent is not None and texts.normalise(sent) != self.instance.text:
            raise ValidationError(
                "A citation has quoted this source since you opened it, so its text can no longer change. "
                "Nothing was saved: copy your text if you need it, then reload the page."
            )
        if self.instance.pk is not None or "document" not in self.fields:
            return cleaned
        upload, token, text = cleaned.get("document"), cleaned.get("pending"), cleaned.get("text")
        if upload is not None and text:
            self.add_error("text", "Paste the text or upload the document, not both.")
            return cleaned
        if token and text:
            # Typed on the confirmation page, it would be dropped for the waiting document's text.
            self.add_error(
                "text",
                "A document is waiting for you to confirm its text: paste the text or upload the document, not both. "
                "Empty this box to save the document's text, or open a new page to save yours.",
            )
            return cleaned
        try:
            if upload is not None:
                if token:
                    uploads.discard(token)  # a new upload replaces the one waiting
                    self.data = self.data.copy()
                    self.data[self.add_prefix("pending")] = ""
                self.extracted = texts.extract(upload.read(), name=upload.name, declared_type=upload.content_type)
            elif token:
                data, name, declared = self.waiting_upload(token)
                self.extracted = texts.extract(data, name=name, declared_type=declared)
        except ValidationError as exc:
            self.add_error("document", exc.error_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc)
            return cleaned
        if self.extracted is not None:
            services.describe_original(self.instance, self.extracted)
            cleaned["text"] = self.extracted.text
        elif not text:
            self.add_error("text", "Paste the source's text, or upload its document.")
        return cleaned

    def waiting_upload(self, token):
        name = self.cleaned_data.get("pending_name") or "document"
        try:
            return uploads.get(token), name, None
        except KeyError:
            raise ValidationError(
                {"file": "The uploaded document is no longer waiting (over a day old?): upload it again."}
            ) from None

    def _update_errors(self, errors):
        # The model speaks of its text; the curator uploaded a document: say it there.
        if self.extracted is not None and hasattr(errors, "error_dict") and "text" in errors.error_dict:
            errors.error_dict.setdefault("document", []).extend(errors.error_dict.pop("text"))
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        if self.extracted is None or self.errors or self.cleaned_data.get("confirmed"):
            return
        # Everything else holds: keep the upload waiting, and ask the curator to read the text it gave.
        token = self.cleaned_data.get("pending") or uploads.put(self.extracted.data)
        self.data = self.data.copy()
        self.data[self.add_prefix("pending")] = token
        self.data[self.add_prefix("pending_name")] = self.extracted.name
        self.add_error(
            "confirmed",
            f"Read the text taken from {self.extracted.name} below ({len(self.extracted.text):,} characters), then "
            "tick this box and save. Nothing has been saved yet.",
        )


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    """
    Sources: intake by paste or upload (SourceForm), and the reader (template admin/records/source/change_form.html,
    static records/reader.js): the text with every citation highlighted, and a selection cited in one step
    (`cite_view`).
    """

    form = SourceForm
    list_display = ["title", "kind", "publisher", "published", "language", "text_length", "citation_count"]
    ordering = ["title"]  # explicit: the annotated (GROUP BY) queryset drops Meta.ordering
    list_filter = ["kind", "language", "publisher"]
    search_fields = ["title", "slug", "publisher", "url", "text_sha256"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["kind", "supersedes"]
    list_select_related = ["kind"]
    readonly_fields = ["fingerprint", "original_document"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text").annotate(citation_total=Count("citations"))

    def get_fieldsets(self, request, obj=None):
        about = ["title", "slug", "kind", "publisher", "url", "published", "retrieved", "archive_url", "supersedes"]
        if obj is None:
            text = ["language", "direction", "text", "document", "pending", "pending_name", "confirmed"]
        elif obj.is_cited():
            text = ["language", "direction", "fingerprint", "original_document"]
        else:
            text = ["language", "direction", "text", "fingerprint", "original_document"]
        fieldsets = [
            (None, {"fields": about}),
            ("Text", {"fields": text}),
            ("Notes", {"fields": ["notes"]}),
        ]
        if obj is not None:
            fieldsets.append(
                ("Record", {"fields": ["created", "last_updated", "seen_version"], "classes": ["collapse"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_cited():
            fields = [*fields, "text"]
        return fields

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total

    @admin.display(description="fingerprint")
    def fingerprint(self, source):
        if source.pk is None:
            return "—"
        return format_html("{} characters · SHA-256 <code>{}</code>", f"{source.text_length:,}", source.text_sha256)

    @admin.display(description="original document")
    def original_document(self, source):
        if not source.original:
            return "None: the text was typed or pasted."
        url = reverse("api:source-original", kwargs={"slug": source.slug})
        return format_html(
            '<a href="{}">{}</a> ({}, {}) · SHA-256 <code>{}</code>',
            url,
            source.original_name,
            source.original_media_type,
            filesizeformat(source.original_size),
            source.original_sha256,
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token = form.cleaned_data.get("pending")
        services.save_source(source=obj, document=form.extracted)
        if token:
            transaction.on_commit(lambda: uploads.discard(token))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        source = self.get_object(request, unquote(object_id))
        if source is not None:
            extra_context = {
                **(extra_context or {}),
                "reader": selectors.source_reader(source, request.user),
                "cite_form": ReaderCitationForm(source=source),
                "may_cite": request.user.has_perm("records.add_citation"),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        cite = path("<path:object_id>/cite/", self.admin_site.admin_view(self.cite_view), name="records_source_cite")
        return [cite, *super().get_urls()]

    def cite_view(self, request, object_id):
        """
        POST from the reader: cite the selected characters (offsets from the selection, the quote taken from the
        text), then come back to the reader, which offers to attach the new citation or start a record with it.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404("No such source.")
        citations = self.admin_site.get_model_admin(Citation)
        if not citations.has_add_permission(request):
            raise PermissionDenied
        form = ReaderCitationForm(request.POST, source=source)
        back = reverse("admin:records_source_change", args=[source.pk])
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    label = (
                        "" if field == "__all__" else f"{form.fields[field].label}: " if field in form.fields else ""
                    )
                    self.message_user(request, f"Not cited. {label}{error}", messages.ERROR)
            return HttpResponseRedirect(f"{back}#reader")
        citation = form.save()
        self.message_user(request, cited_message(citation), messages.SUCCESS)
        return HttpResponseRedirect(f"{back}?cited={citation.pk}#reader")


class ReaderCitationForm(forms.ModelForm):
    """A citation made in the reader: the offsets of the selection; the quote is the text's own characters."""

    class Meta:
        model = Citation
        fields = ["char_start", "char_end", "attributed_to", "attribution"]
        widgets = {
            "char_start": forms.HiddenInput,
            "char_end": forms.HiddenInput,
            "attributed_to": SafeAutocompleteSelect(Citation._meta.get_field("attributed_to"), admin.site),
        }

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.source = source
        self.fields["attributed_to"].help_text = "When the source relays someone else's claim."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("char_start"), cleaned.get("char_end")
        text = self.instance.source.text
        if start is None or end is None or not 0 <= start < end <= len(text):
            raise ValidationError("Select the words to cite in the text first.")
        quote = text[start:end]
        if not quote.strip():
            raise ValidationError("The selection holds no words.")
        if len(quote) > Citation._meta.get_field("quote").max_length:
            raise ValidationError(
                f"A citation quotes at most {Citation._meta.get_field('quote').max_length} characters; "
                f"this selection has {len(quote)}. Select fewer words."
            )
        self.instance.quote = quote
        return cleaned


def cited_message(citation):
    """What the reader says after citing: the quote, and what to do with it next."""
    attach = reverse("admin:records_citation_attach", args=[citation.pk])
    starts = format_html_join(
        ", ",
        '<a href="{}?citations={}">{}</a>',
        [
            (reverse(f"admin:records_{model}_add"), citation.pk, label)
            for model, label in [
                ("damagereport", "a damage report"),
                ("threat", "a threat"),
                ("event", "an event"),
                ("occupation", "an occupation"),
            ]
        ],
    )
    short = citation.quote if len(citation.quote) <= 80 else f"{citation.quote[:79]}…"
    return format_html(
        'Cited “{}”. <a href="{}">Attach it to records</a>, or start a new record citing it: {}.',
        short,
        attach,
        starts,
    )
