"""Neutral case addresses and neutral captions (issue 10): the columns, nullable at first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_upload_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="code",
            field=models.SlugField(editable=False, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="search_text_revealed",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="image",
            name="caption_neutral",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Shown while the case is read as an unknown: what the image is, never what "
                    "it shows the diagnosis to be. Left empty, the panel, modality and plane "
                    "are used."
                ),
                verbose_name="neutral caption",
            ),
        ),
        migrations.AddField(
            model_name="image",
            name="caption_neutral_en",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Shown while the case is read as an unknown: what the image is, never what "
                    "it shows the diagnosis to be. Left empty, the panel, modality and plane "
                    "are used."
                ),
                null=True,
                verbose_name="neutral caption",
            ),
        ),
        migrations.AddField(
            model_name="image",
            name="caption_neutral_es",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Shown while the case is read as an unknown: what the image is, never what "
                    "it shows the diagnosis to be. Left empty, the panel, modality and plane "
                    "are used."
                ),
                null=True,
                verbose_name="neutral caption",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="slug",
            field=models.SlugField(
                help_text=(
                    "For authors and content files only; readers never see it. Addresses use "
                    "the neutral code, and an old address made of this name redirects to it."
                ),
                unique=True,
                verbose_name="internal name",
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="caption",
            field=models.TextField(
                help_text="The full caption, shown once the diagnosis is revealed.",
                verbose_name="caption",
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="caption_en",
            field=models.TextField(
                help_text="The full caption, shown once the diagnosis is revealed.",
                null=True,
                verbose_name="caption",
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="caption_es",
            field=models.TextField(
                help_text="The full caption, shown once the diagnosis is revealed.",
                null=True,
                verbose_name="caption",
            ),
        ),
    ]
