"""The admin's record forms: an edit based on a version of the record that is no longer current is refused."""

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ..concurrency import RecordDeleted, StaleVersion, claim_version
from ..models import Term


def https_urls(field, **kwargs):
    """Form fields for the model's fields, a URL without a scheme meaning https (as the admin's do)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def what_changed(current, seen_version):
    """Who changed the record last and when, and 'field: “old” → “new”' since `seen_version`, from its history."""
    history = current.history.order_by("-history_date", "-history_id")
    latest = history.first()
    if latest is None:
        return None, []
    who = f"by {latest.history_user or 'someone'} at {date_format(localtime(latest.history_date), 'DATETIME_FORMAT')}"
    seen = history.filter(version=seen_version).first()
    if seen is None:  # e.g. loaded from a fixture, which writes no history
        return who, []
    delta = latest.diff_against(seen, excluded_fields=["version", "last_updated"])
    return who, [f"{change.field}: “{change.old}” → “{change.new}”" for change in delta.changes]


class TermCheckedForm(forms.ModelForm):
    """
    A record's form (or an inline's row): a term it newly chooses must be current. The autocomplete offers only
    those, but a POST can name any; a retired term the record has already stays (models/vocabularies.py).
    """

    def clean(self):
        cleaned = super().clean()
        for name in self.changed_data:
            term = cleaned.get(name)
            if isinstance(term, Term) and term.retired_refusal():
                self.add_error(name, term.retired_refusal())
        return cleaned


class VersionCheckedForm(TermCheckedForm):
    """
    Carries the version the curator opened (a hidden field) and, on save, claims it (concurrency.claim_version):
    if someone saved the record meanwhile, the form is refused with what they changed, and nothing is written. The
    refused form then holds the current version, so saving it again deliberately applies these values over theirs.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored version, not the instance's: reverting from history edits an old copy of the record.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.fields["seen_version"].initial = stored.first()

    def clean(self):
        cleaned = super().clean()
        if "citations" in self.fields and "citations" in cleaned:
            try:
                self.stored_record().clean_citations(cleaned["citations"])
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        seen = cleaned.get("seen_version")
        if self.instance.pk is None or seen is None:
            return cleaned
        try:
            # The admin saves inside one transaction; the claim holds the row until this edit commits.
            claim_version(self.instance, seen)
        except RecordDeleted as deleted:
            raise forms.ValidationError(str(deleted), code="deleted") from deleted
        except StaleVersion as stale:
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = stale.current.version
            raise forms.ValidationError(self.stale_message(stale, seen), code="stale") from stale
        return cleaned

    def stored_record(self):
        """
        The record as it is stored now (the instance, for a new one): what the rules on its citations are judged
        against. Reverting edits an old copy of the record, with the status it had then; the save keeps the status
        it has now (RecordAdmin.save_model), so a verified record reverted to a version from before verification
        must still keep a citation.
        """
        if self.instance.pk is None:
            return self.instance
        return type(self.instance)._default_manager.filter(pk=self.instance.pk).first() or self.instance

    def stale_message(self, stale, seen):
        current = stale.current
        who, changes = what_changed(current, seen)
        if not changes:
            # Without the seen version's history, show the current values where this edit differs from them.
            changes = [
                f"{name}: now “{getattr(current, name)}”"
                for name, value in self.cleaned_data.items()
                if name in {f.name for f in current._meta.concrete_fields} and getattr(current, name) != value
            ]
        message = str(stale)
        if who:
            message += f" Changed {who}."
        if changes:
            message += " " + "; ".join(changes) + "."
        return message + " Review the current values, then save again to apply yours over them."
