"""Loading a topic's content (glossary and cases) from the JSON files under fixtures/.

The format is described in fixtures/README.md. Loading is idempotent: rows are matched by
slug, or by position within their parent, and updated in place.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from modeltranslation.translator import translator

from atlas.lib.i18n import spread
from atlas.models import Tag
from cases.models import Case, Image, Study
from cases.viewer import clean_annotations
from diagnosis.models import Entity, Mechanism
from wizard.knowledge import KnowledgeBaseError
from wizard.services import case_findings_load, knowledge_load


class ContentError(Exception):
    """The content files are inconsistent; the message says where."""


def _tr(data: dict, field: str, *, join_lines: bool = False) -> dict:
    """Spread {"en": ..., "es": ...} over the field_en / field_es columns."""
    value = data.get(field) or {}
    if not isinstance(value, dict):
        raise ContentError(f"{data.get('slug', '?')}: {field} must give each language")
    if join_lines:
        value = {lang: "\n".join(text) for lang, text in value.items()}
    return spread(field, value)


def _translated(model, *, but: tuple[str, ...] = ()) -> list[str]:
    """The model's translated fields, as its translation.py registers them."""
    return [f for f in translator.get_options_for_model(model).fields if f not in but]


def _lookup(model, slug: str, where: str):
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise ContentError(f"{where}: no {model._meta.verbose_name} with slug {slug!r}") from None


def _load_glossary(data: dict) -> dict[str, int]:
    for row in data.get("tags", []):
        defaults = {"kind": row.get("kind", Tag.Kind.TOPIC), **_tr(row, "name")}
        defaults["name"] = defaults["name_en"]
        Tag.objects.update_or_create(slug=row["slug"], defaults=defaults)
    for row in data.get("mechanisms", []):
        defaults = {"order": row.get("order", 0)}
        for field in _translated(Mechanism):
            defaults.update(_tr(row, field))
        Mechanism.objects.update_or_create(slug=row["slug"], defaults=defaults)
    entities = data.get("entities", [])
    # Two passes, so parents and related entities may come later in the file.
    for row in entities:
        slug = row["slug"]
        defaults = {
            "mechanism": _lookup(Mechanism, row["mechanism"], slug),
            "printed_label": row.get("printed_label", ""),
            "table_row": row.get("table_row"),
            "table_column": (
                _lookup(Mechanism, row["table_column"], slug) if row.get("table_column") else None
            ),
            **_tr(row, "synonyms", join_lines=True),
        }
        # Synonyms are a list of lines, spread above.
        for field in _translated(Entity, but=("synonyms",)):
            defaults.update(_tr(row, field))
        Entity.objects.update_or_create(slug=slug, defaults=defaults)
    for row in entities:
        entity = Entity.objects.get(slug=row["slug"])
        entity.parent = _lookup(Entity, row["parent"], row["slug"]) if row.get("parent") else None
        entity.save()
        entity.related.set([_lookup(Entity, s, row["slug"]) for s in row.get("related", [])])
        entity.tags.set([_lookup(Tag, s, row["slug"]) for s in row.get("tags", [])])
    return {"mechanisms": len(data.get("mechanisms", [])), "entities": len(entities)}


def _annotations(image_row: dict, where: str) -> list[dict]:
    """The image's shapes, checked as the admin checks them."""
    try:
        return clean_annotations(image_row["annotations"])
    except ValidationError as error:
        raise ContentError(f"{where}: {' '.join(error.messages)}") from None


def _load_case(row: dict) -> Case:
    slug = row["slug"]
    defaults = {
        "age": row["age"],
        "sex": row["sex"],
        "diagnosis": _lookup(Entity, row["diagnosis"], slug),
        "certainty": row["certainty"],
        "status": row.get("status", Case.Status.DRAFT),
    }
    for field in ("presentation", "history", "confirmation", "discussion", "attribution"):
        defaults.update(_tr(row, field))
    defaults.update(_tr(row, "teaching_points", join_lines=True))
    case = Case.objects.filter(slug=slug).first() or Case(slug=slug)
    for key, value in defaults.items():
        setattr(case, key, value)
    if case.status == Case.Status.PUBLISHED and case.published_at is None:
        case.published_at = timezone.now()
    case.save()
    case.differential.set([_lookup(Entity, s, slug) for s in row.get("differential", [])])
    case.tags.set([_lookup(Tag, s, slug) for s in row.get("tags", [])])
    studies = row.get("studies", [])
    for order, study_row in enumerate(studies, start=1):
        study_defaults = {"modality": study_row["modality"]}
        for field in ("description", "time_point", "findings"):
            study_defaults.update(_tr(study_row, field))
        study, _created = Study.objects.update_or_create(
            case=case, order=order, defaults=study_defaults
        )
        images = study_row.get("images", [])
        for image_order, image_row in enumerate(images, start=1):
            image_defaults = {
                "panel": image_row.get("panel", ""),
                "is_synthetic": image_row.get("synthetic", False),
            }
            for field in ("plane", "caption", "caption_neutral", "alt_text"):
                image_defaults.update(_tr(image_row, field))
            if "annotations" in image_row:
                image_defaults["annotations"] = _annotations(
                    image_row, f"{slug}, study {order}, image {image_order}"
                )
            Image.objects.update_or_create(study=study, order=image_order, defaults=image_defaults)
        study.images.filter(order__gt=len(images)).delete()
    case.studies.filter(order__gt=len(studies)).delete()
    case.reindex()
    return case


def content_load(*, path: Path) -> dict[str, int]:
    """Load glossary.json then cases.json from a topic folder, all or nothing."""
    counts: dict[str, int] = {}
    try:
        glossary = json.loads((path / "glossary.json").read_text(encoding="utf-8"))
        cases_file = path / "cases.json"
        cases = json.loads(cases_file.read_text(encoding="utf-8")) if cases_file.exists() else {}
        # The wizard's knowledge base and the findings of cases, where the topic has them.
        ddx_file, findings_file = path / "ddx.json", path / "case_findings.json"
        ddx = json.loads(ddx_file.read_text(encoding="utf-8")) if ddx_file.exists() else None
        case_findings = (
            json.loads(findings_file.read_text(encoding="utf-8"))
            if findings_file.exists()
            else None
        )
    except (OSError, json.JSONDecodeError) as error:
        raise ContentError(f"cannot read content in {path}: {error}") from error
    with transaction.atomic():
        counts.update(_load_glossary(glossary))
        loaded = [_load_case(row) for row in cases.get("cases", [])]
        counts["cases"] = len(loaded)
        try:
            if ddx is not None:
                counts.update(knowledge_load(data=ddx))
            if case_findings is not None:
                counts.update(case_findings_load(data=case_findings))
        except KnowledgeBaseError as error:
            raise ContentError(f"differential-diagnosis knowledge base: {error}") from error
    return counts
