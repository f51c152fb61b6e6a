"""The "Teachers" group: membership lets someone build curated sets and read their results.

Permissions are normally created after all migrations have run (post_migrate), which is too
late for a group made here; create_permissions makes the ones this group needs now, and makes
nothing twice when post_migrate runs later.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Teachers"

PERMISSIONS = [
    ("teaching", "view_results"),
    ("teaching", "add_curatedset"),
    ("teaching", "change_curatedset"),
    ("teaching", "delete_curatedset"),
    ("teaching", "view_curatedset"),
    ("teaching", "add_curatedsetcase"),
    ("teaching", "change_curatedsetcase"),
    ("teaching", "delete_curatedsetcase"),
    ("teaching", "view_curatedsetcase"),
    # The admin offers a case to pick only to those who may view cases.
    ("cases", "view_case"),
]


def make_teachers_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for label in sorted({app for app, _codename in PERMISSIONS}):
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=GROUP)
    wanted = [
        Permission.objects.using(using).get(content_type__app_label=app, codename=codename)
        for app, codename in PERMISSIONS
    ]
    group.permissions.add(*wanted)


def remove_teachers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teaching", "0001_initial"),
        ("cases", "0005_case_code_unique"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_teachers_group, remove_teachers_group)]
