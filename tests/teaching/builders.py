"""Builders for quiz tests: a small glossary with a tree and a mechanism to share."""

from django.test import Client

from cases.models import Image
from teaching import services
from teaching.models import Quiz
from tests.builders import make_case, make_entity, make_mechanism


def make_glossary() -> dict:
    """Two mechanisms and eight entities: a parent with two children, their mechanism-mates,
    and one entity of the other mechanism that must never be offered with the first."""
    dystrophic = make_mechanism(slug="dystrophic", name_en="Dystrophic", name_es="Distrófica")
    metastatic = make_mechanism(slug="metastatic", name_en="Metastatic", name_es="Metastásica")
    e = {}
    e["parent"] = make_entity(
        slug="connective",
        name_en="Connective tissue disease",
        name_es="Conectivopatía",
        mechanism=dystrophic,
    )
    e["answer"] = make_entity(
        slug="dermatomyositis",
        name_en="Dermatomyositis",
        name_es="Dermatomiositis",
        synonyms_en="DM\nJuvenile dermatomyositis",
        synonyms_es="DM",
        imaging_features_en="Sheet-like calcinosis; dermatomyositis spares nothing.",
        imaging_features_es="Calcinosis en láminas; la dermatomiositis no respeta nada.",
        mechanism=dystrophic,
        parent=e["parent"],
    )
    e["sibling"] = make_entity(
        slug="scleroderma",
        name_en="Scleroderma",
        name_es="Esclerodermia",
        mechanism=dystrophic,
        parent=e["parent"],
    )
    e["differential"] = make_entity(
        slug="calciphylaxis", name_en="Calciphylaxis", name_es="Calcifilaxis", mechanism=metastatic
    )
    e["mate"] = make_entity(
        slug="thrombosis",
        name_en="Venous thrombosis",
        name_es="Trombosis venosa",
        mechanism=dystrophic,
    )
    e["mate2"] = make_entity(
        slug="myositis",
        name_en="Myositis ossificans",
        name_es="Miositis osificante",
        mechanism=dystrophic,
    )
    e["stranger"] = make_entity(
        slug="milk-alkali",
        name_en="Milk-alkali syndrome",
        name_es="Síndrome de leche y alcalinos",
        mechanism=metastatic,
    )
    return {"mechanisms": {"dystrophic": dystrophic, "metastatic": metastatic}, **e}


def ready(case, *, region: bool = False):
    """Mark the case's images ready, 512 x 512, one of them with a circle around the lesion."""
    images = Image.objects.filter(study__case=case)
    images.update(pixels=Image.Pixels.READY, width=512, height=512, modality="CT")
    if region:
        circle = {"type": "circle", "frame": None, "x1": 0.5, "y1": 0.5, "x2": 0.6, "y2": 0.5}
        Image.objects.filter(pk=images.first().pk).update(annotations=[circle])
    return case


def make_quiz_case(glossary: dict, **overrides):
    case = make_case(diagnosis=glossary["answer"], **overrides)
    case.differential.set([glossary["differential"]])
    return ready(case, region=True)


def quiz_of(cases, kinds=("diagnosis",), seed=7) -> Quiz:
    return services.quiz_build(cases=list(cases), kinds=list(kinds), source="filters", seed=seed)


def started(quiz: Quiz, client: Client | None = None, feedback="each") -> Client:
    """A client whose reader has started the quiz."""
    client = client or Client()
    response = client.post(f"/en/quiz/{quiz.code}/start/", {"feedback": feedback})
    assert response.status_code == 302, response
    return client


def correct_number(question) -> int:
    return next(n for n, key, _label in question.choice_labels() if key == question.answer_key)
