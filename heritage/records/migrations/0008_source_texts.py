"""
Sources hold their texts: each source's text file under the seeds folder is read into the record (line endings
normalised, its SHA-256 and length recorded), with the language, direction, original document, capture details and
supersession a source now has. The files themselves stay where they are, byte for byte; the language, never recorded before, is "und"
(undetermined) until a curator gives it.
"""

import hashlib
from pathlib import Path

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import heritage.records.languages
import heritage.records.models.sources
from django.db import migrations, models


def move_texts_into_the_record(apps, schema_editor):
    from django.conf import settings

    Source = apps.get_model("records", "Source")
    seeds = Path(settings.SEEDS_DIR)
    holders = {}
    for source in Source.objects.order_by("pk"):
        path = seeds / source.text_path
        try:
            raw = path.read_bytes().decode("utf-8")  # no newline translation: normalised below, as intake does
        except (OSError, UnicodeDecodeError) as exc:
            raise RuntimeError(
                f"Source {source.slug!r}: its text file {path} cannot be read ({exc}). Put it back (or set "
                "HERITAGE_SEEDS_DIR to the folder that holds it) and migrate again."
            ) from exc
        text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in holders:
            # A text belongs to one source (citations' offsets are into it); earlier versions let two share a file.
            raise RuntimeError(
                f"Sources {holders[digest]!r} and {source.slug!r} hold the same text ({source.text_path}). Give "
                f"{source.slug!r} its own document's text file (or delete it if it is a copy), then migrate again."
            )
        holders[digest] = source.slug
        source.text = text
        source.text_sha256 = digest
        source.text_length = len(text)
        # The language was never recorded: "und" (undetermined) until a curator says (the fixtures say "en").
        source.save(update_fields=["text", "text_sha256", "text_length"])


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0007_public_counts_from_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalsource',
            name='archive_url',
            field=models.URLField(blank=True, help_text="A lasting copy, e.g. in the Internet Archive's Wayback Machine.", max_length=500, verbose_name='archive URL'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='direction',
            field=models.CharField(blank=True, choices=[('ltr', 'Left to right'), ('rtl', 'Right to left')], help_text='How the text is written; left empty, it follows the language (Arabic, Persian: right to left).', max_length=3, verbose_name='direction'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='language',
            field=models.CharField(default='und', help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, validators=[heritage.records.languages.validate_language_tag], verbose_name='language'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='original',
            field=models.TextField(blank=True, editable=False, max_length=200, verbose_name='original document'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='original_media_type',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="original's media type"),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='original_name',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="original's file name"),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='original_sha256',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="original's SHA-256"),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='original_size',
            field=models.PositiveBigIntegerField(blank=True, editable=False, help_text='In bytes.', null=True, verbose_name="original's size"),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='retrieved',
            field=models.DateTimeField(blank=True, help_text='When the copy held here was taken.', null=True, verbose_name='retrieved'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='supersedes',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source this one corrects (its text can no longer change once cited).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='records.source', verbose_name='supersedes'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='text_length',
            field=models.PositiveIntegerField(default=0, editable=False, help_text="In characters (what citations' offsets count).", verbose_name='text length'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='text_sha256',
            field=models.CharField(default='', editable=False, help_text="Of the text's UTF-8 bytes.", max_length=64, verbose_name='text SHA-256'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='source',
            name='archive_url',
            field=models.URLField(blank=True, help_text="A lasting copy, e.g. in the Internet Archive's Wayback Machine.", max_length=500, verbose_name='archive URL'),
        ),
        migrations.AddField(
            model_name='source',
            name='direction',
            field=models.CharField(blank=True, choices=[('ltr', 'Left to right'), ('rtl', 'Right to left')], help_text='How the text is written; left empty, it follows the language (Arabic, Persian: right to left).', max_length=3, verbose_name='direction'),
        ),
        migrations.AddField(
            model_name='source',
            name='language',
            field=models.CharField(default='und', help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, validators=[heritage.records.languages.validate_language_tag], verbose_name='language'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='source',
            name='original',
            field=models.FileField(blank=True, editable=False, max_length=200, storage=heritage.records.models.sources.originals_storage, upload_to=heritage.records.models.sources.original_path, verbose_name='original document'),
        ),
        migrations.AddField(
            model_name='source',
            name='original_media_type',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="original's media type"),
        ),
        migrations.AddField(
            model_name='source',
            name='original_name',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="original's file name"),
        ),
        migrations.AddField(
            model_name='source',
            name='original_sha256',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="original's SHA-256"),
        ),
        migrations.AddField(
            model_name='source',
            name='original_size',
            field=models.PositiveBigIntegerField(blank=True, editable=False, help_text='In bytes.', null=True, verbose_name="original's size"),
        ),
        migrations.AddField(
            model_name='source',
            name='retrieved',
            field=models.DateTimeField(blank=True, help_text='When the copy held here was taken.', null=True, verbose_name='retrieved'),
        ),
        migrations.AddField(
            model_name='source',
            name='supersedes',
            field=models.ForeignKey(blank=True, help_text='The source this one corrects (its text can no longer change once cited).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='records.source', verbose_name='supersedes'),
        ),
        migrations.AddField(
            model_name='source',
            name='text',
            field=models.TextField(default='', help_text="The document's words, exactly as they stand: what citations quote. Fixed once a citation relies on it.", verbose_name='text'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='source',
            name='text_length',
            field=models.PositiveIntegerField(default=0, editable=False, help_text="In characters (what citations' offsets count).", verbose_name='text length'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='source',
            name='text_sha256',
            field=models.CharField(default='', editable=False, help_text="Of the text's UTF-8 bytes.", max_length=64, verbose_name='text SHA-256'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='url',
            field=models.URLField(blank=True, help_text='Where the document is published, or was found.', max_length=500, verbose_name='URL'),
        ),
        migrations.AlterField(
            model_name='source',
            name='url',
            field=models.URLField(blank=True, help_text='Where the document is published, or was found.', max_length=500, verbose_name='URL'),
        ),
        migrations.RunPython(move_texts_into_the_record, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalsource',
            name='text_path',
        ),
        migrations.RemoveField(
            model_name='source',
            name='text_path',
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.UniqueConstraint(fields=('text_sha256',), name='records_source_unique_text', violation_error_message='Another source already holds this text (the same SHA-256).'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='records_source_text_not_empty', violation_error_message='A source must hold its text.'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('supersedes', models.F('pk')), _negated=True), name='records_source_does_not_supersede_itself', violation_error_message='A source cannot supersede itself.'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.Exact(django.db.models.functions.text.Length('text_sha256'), 64), ('text_length', django.db.models.functions.text.Length('text'))), name='records_source_text_fingerprinted', violation_error_message="The text's length and SHA-256 must be those of its text."),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('original', ''), ('original_media_type', ''), ('original_sha256', ''), ('original_size__isnull', True)), models.Q(models.Q(('original', ''), _negated=True), ('original_size__isnull', False), django.db.models.lookups.Exact(django.db.models.functions.text.Length('original_sha256'), 64), models.Q(('original_media_type', ''), _negated=True)), _connector='OR'), name='records_source_original_described', violation_error_message='An original document needs its size, SHA-256 and media type; they need it.'),
        ),
    ]
