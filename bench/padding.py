"""Padding cases for benches: many cases built in bulk from the demo atlas, with a spread.

`pad_cases(n)` adds n cases through executemany in batches of 2,000, not one save() each
(100,000 cases, with their studies, images, tags and differentials, take two to four
minutes here). Each padding case copies the text of a demo case chosen at random (so search
has real words to find) and then varies what the case list filters and counts: diagnosis
(any glossary entity, weighted towards the demo cases' own), up to three differential
diagnoses, sex, age, publication date over ten years, a few drafts, one to three studies of
varying modality, one to four images each (most ready, some still processing or held), and
region, pattern and topic tags. The spread is seeded, so two runs build the same atlas.
"""

import random
import uuid
from datetime import timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from atlas.models import Tag
from cases.models import CODE_ALPHABET, CODE_LENGTH, CODE_PREFIX, Case, Image, Study, TaggedCase
from diagnosis.models import Entity

BATCH = 2000
DRAFT_SHARE = 0.05
OWN_DIAGNOSIS_SHARE = 0.7
TEXT_FIELDS = (
    "presentation",
    "history",
    "confirmation",
    "discussion",
    "teaching_points",
    "attribution",
)
STUDY_TEXT = ("description", "time_point", "findings")
IMAGE_TEXT = ("plane", "caption", "caption_neutral", "alt_text")
LANGS = ("en", "es")
MODALITIES = [code for code, _label in Study.Modality.choices if code != "OT"]
PIXELS = [Image.Pixels.READY] * 17 + [Image.Pixels.PROCESSING, Image.Pixels.HELD, Image.Pixels.NONE]


def _codes(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    codes: list[str] = []
    while len(codes) < n:
        code = CODE_PREFIX + "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


class _Rows:
    """Rows of one table inserted with executemany: no model instances, no SQL compiler.

    Django's bulk_create spends most of its time building instances (modeltranslation's
    __init__ too) and compiling; at a million rows that is minutes. Each row here is a dict
    of column values; the columns it leaves out take the field's default, converted once.
    """

    def __init__(self, model, connection):
        self.model = model
        self.connection = connection
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for field in self.fields:
            if field.primary_key:
                continue
            default = field.get_default()
            self.defaults[field.column] = field.get_db_prep_save(default, connection)
        # Columns whose values need the backend's conversion (UUIDs, JSON, datetimes).
        self.convert = {
            f.column: f
            for f in self.fields
            if f.get_internal_type() in ("UUIDField", "JSONField", "DateTimeField")
        }
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.rows: list[tuple] = []

    def add(self, **values) -> int:
        values["id"] = pk = self.next_id
        self.next_id += 1
        row = []
        for column in self.columns:
            if column in values:
                value = values[column]
                field = self.convert.get(column)
                if field is not None:
                    value = field.get_db_prep_save(value, self.connection)
            else:
                value = self.defaults[column]
            row.append(value)
        self.rows.append(tuple(row))
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        quote = self.connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.rows)
        self.rows = []


def _translated(obj, fields) -> dict:
    """Column values of translated fields, the untranslated column holding the English."""
    values = {}
    for field in fields:
        for lang in LANGS:
            values[f"{field}_{lang}"] = getattr(obj, f"{field}_{lang}") or ""
        values[field] = values[f"{field}_en"]
    return values


def pad_cases(n: int, *, seed: int = 12, prefix: str = "padding") -> int:
    """Add n published-or-draft cases with studies, images and tags; returns how many."""
    rng = random.Random(seed)
    templates = list(Case.objects.prefetch_related("studies__images", "tags").order_by("pk"))
    if not templates:
        raise RuntimeError("Load the demo atlas first: padding copies its cases' text.")
    plans = [_plan(t) for t in templates]
    entities = list(Entity.objects.order_by("pk").values_list("pk", flat=True))
    tags_by_kind: dict[str, list[int]] = {}
    for pk, kind in Tag.objects.order_by("pk").values_list("pk", "kind"):
        tags_by_kind.setdefault(kind, []).append(pk)
    regions = tags_by_kind.get(Tag.Kind.REGION, [])
    others = [pk for kind, pks in tags_by_kind.items() if kind != Tag.Kind.REGION for pk in pks]
    taken = set(Case.objects.values_list("code", flat=True))
    now = timezone.now()
    differential = Case.differential.through
    models = (Case, Study, Image, TaggedCase, differential)
    tables = {model: _Rows(model, connection) for model in models}
    with transaction.atomic():
        for i, code in enumerate(_codes(rng, n, taken)):
            _pad_one(
                rng,
                tables,
                f"{prefix}-{i}",
                code,
                rng.choice(plans),
                entities,
                regions,
                others,
                now,
            )
            if (i + 1) % BATCH == 0:
                for rows in tables.values():
                    rows.flush()
        for rows in tables.values():
            rows.flush()
        # Explicit ids leave PostgreSQL's sequences behind; bring them up to the new rows.
        reset = connection.ops.sequence_reset_sql(no_style(), list(tables))
        if reset:
            with connection.cursor() as cursor:
                for sql in reset:
                    cursor.execute(sql)
    return n


def _plan(template: Case) -> dict:
    """What a padding case copies from one demo case, read once."""
    return {
        "diagnosis_id": template.diagnosis_id,
        "certainty": template.certainty,
        "text": _translated(template, TEXT_FIELDS),
        "search_text": template.search_text.split(" ", 1)[-1],
        "search_text_revealed": template.search_text_revealed.split(" ", 1)[-1],
        "studies": [
            (
                s.modality,
                _translated(s, STUDY_TEXT),
                [_translated(i, IMAGE_TEXT) for i in s.images.all()],
            )
            for s in template.studies.all()
        ]
        or [("XR", {}, [])],
        "tags": [t.pk for t in template.tags.all()],
    }


def _pad_one(rng, tables, slug, code, plan, entities, regions, others, now) -> None:
    if rng.random() < OWN_DIAGNOSIS_SHARE:
        diagnosis_id = plan["diagnosis_id"]
    else:
        diagnosis_id = rng.choice(entities)
    draft = rng.random() < DRAFT_SHARE
    published_at = None if draft else now - timedelta(minutes=rng.randrange(10 * 365 * 1440))
    case_id = tables[Case].add(
        slug=slug,
        code=code,
        age=rng.randrange(1, 95),
        sex=rng.choice("FFMMO" if rng.random() < 0.1 else "FM"),
        diagnosis_id=diagnosis_id,
        certainty=plan["certainty"],
        status=Case.Status.DRAFT if draft else Case.Status.PUBLISHED,
        published_at=published_at,
        created_at=now,
        updated_at=now,
        search_text=f"{code} {plan['search_text']}",
        search_text_revealed=f"{code} {plan['search_text_revealed']}",
        **plan["text"],
    )
    studies = plan["studies"]
    for order in range(rng.randint(1, 3)):
        modality, text, images = studies[order % len(studies)]
        if rng.random() < 0.4:
            modality = rng.choice(MODALITIES)
        study_id = tables[Study].add(case_id=case_id, order=order, modality=modality, **text)
        for image_order in range(rng.randint(1, 4)):
            text = images[image_order % len(images)] if images else {"alt_text_en": "An image."}
            pixels = rng.choice(PIXELS)
            ready = pixels == Image.Pixels.READY
            tables[Image].add(
                study_id=study_id,
                order=image_order,
                key=uuid.UUID(int=rng.getrandbits(128), version=4),
                pixels=pixels,
                modality=modality,
                frame_count=1 if ready else 0,
                width=512 if ready else None,
                height=512 if ready else None,
                renditions={"thumb": 320, "display": 512} if ready else {},
                **text,
            )
    chosen = set(plan["tags"])
    if regions and rng.random() < 0.5:
        chosen.add(rng.choice(regions))
    chosen.update(rng.sample(others, k=min(len(others), rng.randint(0, 2))))
    for tag_id in chosen:
        tables[TaggedCase].add(content_object_id=case_id, tag_id=tag_id)
    for entity_id in set(rng.sample(entities, k=min(len(entities), rng.randint(0, 3)))):
        if entity_id != diagnosis_id:
            tables[Case.differential.through].add(case_id=case_id, entity_id=entity_id)
