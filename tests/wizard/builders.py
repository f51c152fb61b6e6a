"""A small wizard knowledge base, written to the database through the content service.

Three entities matter (gout, calcific tendinitis, vascular calcification); ``extra`` adds
rare filler entities, so a page can have more rows than it shows. The weights agree with the
tree, so the database-built knowledge base passes the same checks as the demo.
"""

import json
from copy import deepcopy
from pathlib import Path

import pytest

from diagnosis.models import Entity, Mechanism
from tests.builders import make_entity
from wizard.knowledge import KnowledgeBase, KnowledgeBaseError
from wizard.models import CaseFinding, Finding
from wizard.services import knowledge_load


def text(en: str, es: str | None = None) -> dict:
    return {"en": en, "es": es or f"{en} (es)"}


def problems_of(data: dict) -> list[str]:
    """The problems ``KnowledgeBase.from_dict`` refuses ``data`` with (it must refuse it)."""
    with pytest.raises(KnowledgeBaseError) as error:
        KnowledgeBase.from_dict(data)
    return error.value.problems


def answer(code: str, en: str, base: float, es: str | None = None) -> dict:
    return {"code": code, "label": text(en, es), "base": base}


SMALL_KB = {
    # The glossary's mechanisms, as make_knowledge_base() writes them.
    "mechanisms": ["dystrophic", "metastatic"],
    "groups": [
        {
            "id": "laboratory",
            "label": text("Laboratory", "Analítica"),
            "questions": [
                {
                    "id": "lab.calcium",
                    "kind": "single",
                    "text": text("Serum calcium", "Calcio sérico"),
                    "answers": [
                        answer("lab.calcium.low", "Low", 0.1, "Bajo"),
                        answer("lab.calcium.normal", "Normal", 0.8, "Normal"),
                        answer("lab.calcium.high", "High", 0.1, "Alto"),
                    ],
                },
                {
                    "id": "lab.urate",
                    "kind": "single",
                    "text": text("Serum uric acid", "Ácido úrico sérico"),
                    "answers": [
                        answer("lab.urate.normal", "Normal", 0.85, "Normal"),
                        answer("lab.urate.high", "High", 0.15, "Alto"),
                    ],
                },
            ],
        },
        {
            "id": "history",
            "label": text("History", "Antecedentes"),
            "questions": [
                {
                    "id": "hx",
                    "kind": "multi",
                    "text": text("Relevant history", "Antecedentes relevantes"),
                    "answers": [
                        answer("hx.gout", "Gout", 0.03, "Gota"),
                        answer("hx.trauma", "Trauma", 0.2, "Traumatismo"),
                        answer("hx.ckd", "Chronic kidney disease", 0.08, "Enfermedad renal"),
                    ],
                }
            ],
        },
        {
            "id": "site",
            "label": text("Site", "Localización"),
            "questions": [
                {
                    "id": "site",
                    "kind": "multi",
                    "text": text("Which tissue?", "¿Qué tejido?"),
                    "answers": [
                        answer("site.tendon", "Tendon", 0.2, "Tendón"),
                        answer("site.vascular", "Vessel", 0.3, "Vaso"),
                        answer("site.articular", "Joint", 0.2, "Articulación"),
                    ],
                }
            ],
        },
    ],
    "entities": [
        {
            "slug": "tophaceous-gout",
            "mechanism": "metastatic",
            "prior": 4,
            "weights": [
                {"finding": "lab.urate.high", "lr": 6, "why": "urate is raised in most"},
                {"finding": "hx.gout", "lr": 30, "why": "a known gouty patient"},
                {"finding": "site.articular", "lr": 3, "why": "tophi sit around joints"},
                {"finding": "site.tendon", "lr": 0.5, "why": "rarely in a tendon alone"},
            ],
        },
        {
            "slug": "calcific-tendinitis",
            "mechanism": "dystrophic",
            "prior": 100,
            "weights": [
                {"finding": "site.tendon", "lr": 4, "why": "hydroxyapatite in a tendon"},
                {"finding": "site.vascular", "lr": 0.2, "why": "not in vessels"},
            ],
        },
        {
            "slug": "vascular-calcification",
            "mechanism": "dystrophic",
            "prior": 300,
            "weights": [
                {"finding": "site.vascular", "lr": 3, "why": "in the vessel wall"},
                {"finding": "site.tendon", "lr": 0.2, "why": "not in tendons"},
            ],
        },
    ],
    "contradictions": [
        {
            "findings": ["hx.ckd", "lab.calcium.normal"],
            "why": text("Kidney disease with a normal calcium: check one of the two."),
        }
    ],
    "tree": {
        "id": "calcinosis",
        "label": text("Calcinosis"),
        "children": [
            {
                "id": "lab-altered",
                "label": text("Laboratory altered", "Analítica alterada"),
                "select": ["lab.calcium.low", "lab.calcium.high", "lab.urate.high"],
                "printed_profiles": [["lab.calcium.high"]],
                "children": [
                    {
                        "id": "metastatic",
                        "label": text("Metastatic", "Metastásica"),
                        "mechanism": "metastatic",
                        "entities": ["tophaceous-gout"],
                    }
                ],
            },
            {
                "id": "lab-normal",
                "label": text("Laboratory normal", "Analítica normal"),
                "select": ["lab.calcium.normal", "lab.urate.normal"],
                "children": [
                    {
                        "id": "dystrophic",
                        "label": text("Dystrophic", "Distrófica"),
                        "mechanism": "dystrophic",
                        "select": ["site.tendon", "site.vascular", "site.articular"],
                        "children": [
                            {
                                "id": "tendon",
                                "label": text("Tendon"),
                                "select": ["site.tendon"],
                                "entities": ["calcific-tendinitis"],
                            },
                            {
                                "id": "vascular",
                                "label": text("Vascular"),
                                "select": ["site.vascular"],
                                "entities": ["vascular-calcification"],
                            },
                        ],
                    }
                ],
            },
        ],
    },
}

NAMES = {
    "tophaceous-gout": ("Tophaceous gout", "Gota tofácea"),
    "calcific-tendinitis": ("Calcific tendinitis", "Tendinitis calcificante"),
    "vascular-calcification": ("Vascular calcification", "Calcificación vascular"),
}


def make_knowledge_base(*, extra: int = 0) -> dict[str, Entity]:
    """The small knowledge base in the database; returns its entities by slug."""
    mechanisms = {
        slug: Mechanism.objects.get_or_create(
            slug=slug, defaults={"name_en": slug.title(), "name_es": slug.title()}
        )[0]
        for slug in ("dystrophic", "metastatic")
    }
    data = deepcopy(SMALL_KB)
    for n in range(extra):
        data["entities"].append(
            {
                "slug": f"filler-{n}",
                "mechanism": "dystrophic",
                "prior": 1,
                "tree_node": "dystrophic",
                "weights": [{"finding": "site.articular", "lr": 1.5, "why": "filler"}],
            }
        )
    entities = {}
    for row in data["entities"]:
        en, es = NAMES.get(row["slug"], (row["slug"].title(), row["slug"].title()))
        entities[row["slug"]] = make_entity(
            slug=row["slug"],
            mechanism=mechanisms[row["mechanism"]],
            name_en=en,
            name_es=es,
        )
    knowledge_load(data=data)
    return entities


def record_findings(case, *codes: str, assumed=()) -> None:
    """Record findings for a case, as the content's case_findings.json would."""
    for code in codes:
        CaseFinding.objects.create(case=case, finding=Finding.objects.get(code=code))
    for code in assumed:
        CaseFinding.objects.create(case=case, finding=Finding.objects.get(code=code), assumed=True)


def write_topic(path: Path, data: dict, *, mechanisms: list[str] | None = None) -> Path:
    """A topic folder as fixtures/README.md describes it: glossary.json, with the mechanisms
    given (those of ``data`` by default) and every entity of ``data``, and ``data`` as ddx.json.
    """
    mechanisms = mechanisms if mechanisms is not None else data["mechanisms"]
    glossary = {
        "mechanisms": [{"slug": slug, "name": text(slug.title())} for slug in mechanisms],
        "entities": [
            {
                "slug": e["slug"],
                "mechanism": e["mechanism"],
                "name": text(NAMES.get(e["slug"], (e["slug"].title(),))[0]),
                "definition": text("A definition.", "Una definición."),
            }
            for e in data["entities"]
        ],
    }
    ddx = {key: value for key, value in data.items() if key != "mechanisms"}
    (path / "glossary.json").write_text(json.dumps(glossary), encoding="utf-8")
    (path / "ddx.json").write_text(json.dumps(ddx), encoding="utf-8")
    return path
