"""Give every existing case a neutral code and rebuild both search texts.

The old search text began with the slug, which names the diagnosis; the blind text now
holds only what an unknown shows, and the revealed text adds the answer. The logic is
copied here (not imported from the model) so this migration keeps meaning what it meant.
"""

import secrets

from django.db import migrations

from atlas.lib.text import fold

PREFIX = "case-"
ALPHABET = "23456789bcdfghjkmnpqrstvwxz"
LANGUAGES = ("en", "es")


def _code(taken: set[str]) -> str:
    while True:
        code = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if code not in taken:
            taken.add(code)
            return code


def _texts(case, studies, diagnosis) -> tuple[str, str]:
    blind = [case.code]
    for lang in LANGUAGES:
        for field in ("presentation", "history"):
            blind.append(getattr(case, f"{field}_{lang}") or "")
        for study in studies:
            for field in ("description", "findings"):
                blind.append(getattr(study, f"{field}_{lang}") or "")
    revealed = [*blind, case.slug.replace("-", " ")]
    for lang in LANGUAGES:
        for field in ("name", "synonyms"):
            revealed.append(getattr(diagnosis, f"{field}_{lang}") or "")
        for field in ("confirmation", "discussion", "teaching_points"):
            revealed.append(getattr(case, f"{field}_{lang}") or "")
    return fold(" ".join(blind)), fold(" ".join(revealed))


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Study = apps.get_model("cases", "Study")
    taken = set(Case.objects.values_list("slug", flat=True))
    taken |= set(Case.objects.exclude(code=None).values_list("code", flat=True))
    for case in Case.objects.select_related("diagnosis").order_by("pk"):
        if not case.code:
            case.code = _code(taken)
        studies = list(Study.objects.filter(case=case).order_by("order", "pk"))
        case.search_text, case.search_text_revealed = _texts(case, studies, case.diagnosis)
        case.save(update_fields=["code", "search_text", "search_text_revealed"])


def backwards(apps, schema_editor):
    """The codes go with their column; put the slug back at the head of the search text."""
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.order_by("pk"):
        case.search_text = fold(case.slug.replace("-", " ") + " " + case.search_text_revealed)
        case.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_code_neutral_caption"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
