"""Cases in their usual order in an index, so search can walk the newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('atlas', '0001_initial'),
        ('cases', '0007_case_search_index'),
        ('diagnosis', '0003_move_the_knowledge_base_to_wizard'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['-published_at', 'code'], name='case_published_order'),
        ),
    ]
