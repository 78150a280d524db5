"""
Damage reports get `occurred_inferred` and a `dating_note`, like events and occupations. Language tags of site names,
actor aliases and sources become LanguageTagField: validated as BCP 47 and stored in their standard form. Existing tags
are put in that form here (`AR-latn` -> `ar-Latn`); a value that is no tag at all (`Akkadian`) is kept as it is and
named in the migration's output: the record refuses it at its next edit, and `check_integrity` lists it, until a
curator gives its tag.
"""

import heritage.records.languages
from django.db import migrations, models

from heritage.records.languages import is_language_tag, standard_tag

LANGUAGE_MODELS = ["SiteName", "ActorAlias", "Source"]


def standardise_language_tags(apps, schema_editor):
    for name in LANGUAGE_MODELS:
        model = apps.get_model("records", name)
        for pk, tag in model.objects.exclude(language="").values_list("pk", "language").iterator():
            if not is_language_tag(tag):
                print(f"\n  {name} {pk}: language {tag!r} is not a BCP 47 tag; give it one (e.g. akk for Akkadian).")
            elif standard_tag(tag) != tag:
                model.objects.filter(pk=pk).update(language=standard_tag(tag))


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0008_source_texts'),
    ]

    operations = [
        migrations.AddField(
            model_name='damagereport',
            name='dating_note',
            field=models.TextField(blank=True, help_text='How the date was arrived at.', verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='damagereport',
            name='occurred_inferred',
            field=models.BooleanField(default=False, help_text='The source does not fully state the date (e.g. gives no year); it was worked out.', verbose_name='date inferred'),
        ),
        migrations.AddField(
            model_name='historicaldamagereport',
            name='dating_note',
            field=models.TextField(blank=True, help_text='How the date was arrived at.', verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='historicaldamagereport',
            name='occurred_inferred',
            field=models.BooleanField(default=False, help_text='The source does not fully state the date (e.g. gives no year); it was worked out.', verbose_name='date inferred'),
        ),
        migrations.AlterField(
            model_name='actoralias',
            name='language',
            field=heritage.records.languages.LanguageTagField(blank=True, help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='historicalactoralias',
            name='language',
            field=heritage.records.languages.LanguageTagField(blank=True, help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='historicalsitename',
            name='language',
            field=heritage.records.languages.LanguageTagField(blank=True, help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='language',
            field=heritage.records.languages.LanguageTagField(help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='sitename',
            name='language',
            field=heritage.records.languages.LanguageTagField(blank=True, help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='source',
            name='language',
            field=heritage.records.languages.LanguageTagField(help_text='BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian).', max_length=35, verbose_name='language'),
        ),
        migrations.AddIndex(
            model_name='damagereport',
            index=models.Index(fields=['occurred_inferred', 'status'], name='records_dr_inferred_st_idx'),
        ),
        migrations.RunPython(standardise_language_tags, migrations.RunPython.noop),
    ]
