"""Playlists and their steps in English and Spanish (modeltranslation's _en and _es columns).

A playlist written before this migration had one column per text; that text becomes the
English one, so nothing a teacher wrote is lost and every page still shows it (Spanish pages
fall back to English until someone writes the Spanish). Going back puts the English text, or
the Spanish where there is no English, into the single column again.
"""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf

TEXTS = {"Playlist": ("title", "description"), "PlaylistItem": ("title", "text", "notes")}


def copy_into_english(apps, schema_editor):
    """Each text's one column into its English column, where that is still empty."""
    using = schema_editor.connection.alias
    for name, fields in TEXTS.items():
        rows = apps.get_model("teaching", name).objects.using(using)
        for field in fields:
            rows.filter(**{f"{field}_en__isnull": True}).update(**{f"{field}_en": models.F(field)})


def copy_back(apps, schema_editor):
    """The English text, else the Spanish, back into the single column."""
    using = schema_editor.connection.alias
    for name, fields in TEXTS.items():
        rows = apps.get_model("teaching", name).objects.using(using)
        for field in fields:
            first = Coalesce(
                NullIf(f"{field}_en", Value("")), NullIf(f"{field}_es", Value("")), Value("")
            )
            rows.update(**{field: first})
    # PostgreSQL queues a deferred foreign-key check for each updated step, and refuses to
    # alter a table (the columns removed next) while checks are pending: run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("teaching", "0003_playlists_and_live_sessions")]

    operations = [
        migrations.AddField(
            model_name="playlist",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="playlist",
            name="description_es",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="playlist",
            name="title_en",
            field=models.CharField(max_length=150, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="playlist",
            name="title_es",
            field=models.CharField(max_length=150, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="notes_en",
            field=models.TextField(blank=True, null=True, verbose_name="presenter notes"),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="notes_es",
            field=models.TextField(blank=True, null=True, verbose_name="presenter notes"),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="text_en",
            field=models.TextField(blank=True, null=True, verbose_name="slide text"),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="text_es",
            field=models.TextField(blank=True, null=True, verbose_name="slide text"),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="title_en",
            field=models.CharField(
                blank=True, max_length=150, null=True, verbose_name="slide title"
            ),
        ),
        migrations.AddField(
            model_name="playlistitem",
            name="title_es",
            field=models.CharField(
                blank=True, max_length=150, null=True, verbose_name="slide title"
            ),
        ),
        migrations.RunPython(copy_into_english, copy_back),
    ]
