"""Small builders for test data: each makes one valid row, with overrides."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from atlas.models import Tag
from cases.models import Case, Image, Study
from diagnosis.models import Entity, Mechanism

_seq = count(1)


def make_mechanism(**overrides) -> Mechanism:
    n = next(_seq)
    fields = {"slug": f"mechanism-{n}", "name_en": f"Mechanism {n}", "name_es": f"Mecanismo {n}"}
    fields.update(overrides)
    return Mechanism.objects.create(**fields)


def make_entity(**overrides) -> Entity:
    n = next(_seq)
    fields = {
        "slug": f"entity-{n}",
        "name_en": f"Entity {n}",
        "name_es": f"Entidad {n}",
        "definition_en": "A definition.",
        "definition_es": "Una definición.",
    }
    fields.update(overrides)
    if "mechanism" not in fields:
        fields["mechanism"] = make_mechanism()
    return Entity.objects.create(**fields)


def make_tag(**overrides) -> Tag:
    n = next(_seq)
    fields = {"slug": f"tag-{n}", "name": f"Tag {n}", "name_en": f"Tag {n}", "name_es": f"Tag {n}"}
    fields.update(overrides)
    return Tag.objects.create(**fields)


def make_case(*, studies: int = 1, images: int = 1, **overrides) -> Case:
    n = next(_seq)
    fields = {
        "slug": f"case-{n}",
        "age": 40,
        "sex": Case.Sex.FEMALE,
        "presentation_en": "painful lump",
        "presentation_es": "bulto doloroso",
        "history_en": "A history.",
        "history_es": "Una historia.",
        "certainty": Case.Certainty.CLINICAL,
        "status": Case.Status.PUBLISHED,
    }
    fields.update(overrides)
    if "diagnosis" not in fields:
        fields["diagnosis"] = make_entity()
    if fields["status"] == Case.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    case = Case.objects.create(**fields)
    for s in range(1, studies + 1):
        study = Study.objects.create(
            case=case,
            order=s,
            modality=Study.Modality.CT,
            description_en=f"CT {s}",
            description_es=f"TC {s}",
        )
        for i in range(1, images + 1):
            Image.objects.create(
                study=study,
                order=i,
                panel=chr(96 + i),
                caption_en="Caption.",
                caption_es="Pie.",
                alt_text_en="Alt.",
                alt_text_es="Alt.",
            )
    return case


# What an author is given in the admin: every permission on the atlas's content.
AUTHOR_PERMISSIONS = ("cases", "diagnosis", "wizard", "atlas")


def make_user(*, staff: bool = False, username: str | None = None, apps: tuple[str, ...] = ()):
    """A user; `apps` grants every permission of those apps, as an author group would."""
    name = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(name, password="pw-for-tests", is_staff=staff)
    if apps:
        user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    return user


def make_editor(**overrides):
    """A staff author whom the admin lets see and change the atlas's content."""
    return make_user(staff=True, apps=AUTHOR_PERMISSIONS, **overrides)
