"""Every case has its code now: make it required and unique, and order ties by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_code_fill"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="case",
            options={
                "ordering": ["-published_at", "code"],
                "verbose_name": "case",
                "verbose_name_plural": "cases",
            },
        ),
        migrations.AlterField(
            model_name="case",
            name="code",
            field=models.SlugField(
                editable=False,
                help_text="The case's neutral address, e.g. case-7k3qmz; given automatically.",
                max_length=16,
                unique=True,
                verbose_name="public code",
            ),
        ),
    ]
