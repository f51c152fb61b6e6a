"""Building a quiz: distractors that teach, never random ones; kinds a case can be asked."""

import pytest

from cases.models import Case
from teaching import services
from teaching.models import CuratedSet, CuratedSetCase, Kind
from tests.builders import make_case, make_entity

from .builders import make_glossary, make_quiz_case, quiz_of, ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary():
    return make_glossary()


def keys(question) -> set[str]:
    return {choice["key"] for choice in question.choices}


def test_distractors_come_from_the_differential_then_the_branch_never_from_elsewhere(glossary):
    question = quiz_of([make_quiz_case(glossary)]).questions.get()
    # The answer, the case's own differential, then the parent and the sibling on its branch.
    assert keys(question) == {"dermatomyositis", "calciphylaxis", "connective", "scleroderma"}
    assert question.answer_key == "dermatomyositis"


def test_an_entity_of_another_mechanism_with_no_tie_to_the_answer_is_never_offered(glossary):
    for seed in range(20):
        quiz = quiz_of([make_quiz_case(glossary)], kinds=[Kind.DIAGNOSIS, Kind.GLOSSARY], seed=seed)
        for question in quiz.questions.all():
            assert "milk-alkali" not in keys(question)


def test_a_long_differential_gives_five_choices(glossary):
    case = make_quiz_case(glossary)
    case.differential.set([glossary[k] for k in ("differential", "mate", "mate2", "stranger")])
    question = quiz_of([case]).questions.get()
    assert len(question.choices) == 5
    assert keys(question) == {
        "dermatomyositis",
        "calciphylaxis",
        "thrombosis",
        "myositis",
        "milk-alkali",
    }


def test_the_answer_does_not_always_sit_in_the_same_place(glossary):
    case = make_quiz_case(glossary)
    places = set()
    for seed in range(30):
        question = quiz_of([case], seed=seed).questions.get()
        places.add([c["key"] for c in question.choices].index("dermatomyositis"))
    assert places == {0, 1, 2, 3}


def test_a_mechanism_question_offers_every_mechanism(glossary):
    question = quiz_of([make_quiz_case(glossary)], kinds=[Kind.MECHANISM]).questions.get()
    # Every mechanism, in the glossary's own order, not shuffled: it is a fixed scale.
    assert [c["key"] for c in question.choices] == ["dystrophic", "metastatic"]
    assert question.answer_key == "dystrophic"


def test_a_glossary_question_hides_the_entitys_names_in_its_features(glossary):
    question = quiz_of([make_quiz_case(glossary)], kinds=[Kind.GLOSSARY]).questions.get()
    assert question.case is None and question.entity == glossary["answer"]
    assert question.prompt["en"] == "Sheet-like calcinosis; … spares nothing."
    assert question.prompt["es"] == "Calcinosis en láminas; la … no respeta nada."


def test_where_is_it_is_asked_only_of_a_case_with_a_region_to_point_at(glossary):
    with_region = make_quiz_case(glossary)
    without = ready(make_case(diagnosis=glossary["answer"]))
    quiz = quiz_of([with_region, without], kinds=[Kind.WHERE, Kind.DIAGNOSIS])
    kinds = {q.case_id: q.kind for q in quiz.questions.all()}
    assert kinds == {with_region.pk: Kind.WHERE, without.pk: Kind.DIAGNOSIS}
    where = quiz.questions.get(kind=Kind.WHERE)
    assert where.image is not None and where.region["x1"] == 0.5 and where.choices == []


def test_a_quiz_from_filters_takes_only_published_cases_that_match(glossary):
    other = make_entity(mechanism=glossary["mechanisms"]["metastatic"])
    matching = [make_quiz_case(glossary) for _ in range(3)]
    make_quiz_case(glossary, status=Case.Status.DRAFT)
    ready(make_case(diagnosis=other))
    quiz = services.quiz_from_filters(
        filters={"mechanism": "dystrophic"}, count=20, kinds=["diagnosis"]
    )
    assert {q.case_id for q in quiz.questions.all()} == {c.pk for c in matching}
    with pytest.raises(services.NoCases):
        services.quiz_from_filters(filters={"mechanism": "nothing"}, count=5, kinds=["diagnosis"])


def test_a_quiz_from_filters_draws_the_count_asked_for(glossary):
    for _ in range(8):
        make_quiz_case(glossary)
    quiz = services.quiz_from_filters(filters={}, count=5, kinds=["diagnosis"])
    assert quiz.questions.count() == 5


def test_a_quiz_from_a_set_keeps_the_teachers_order_and_leaves_out_unpublished_cases(glossary):
    cases = [make_quiz_case(glossary) for _ in range(3)]
    curated = CuratedSet.objects.create(title="Week 1")
    for position, case in zip((3, 1, 2), cases, strict=True):
        CuratedSetCase.objects.create(curated_set=curated, case=case, position=position)
    Case.objects.filter(pk=cases[2].pk).update(status=Case.Status.DRAFT)
    quiz = services.quiz_from_set(curated_set=curated, kinds=["diagnosis"])
    assert [q.case_id for q in quiz.questions.order_by("position")] == [cases[1].pk, cases[0].pk]


def test_building_a_quiz_costs_the_same_queries_for_two_questions_or_six(glossary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(6):
        make_quiz_case(glossary)
    counts = []
    for count in (2, 6):
        with CaptureQueriesContext(connection) as captured:
            services.quiz_from_filters(filters={}, count=count, kinds=["diagnosis", "glossary"])
        counts.append(len(captured.captured_queries))
    # The matching ids; the cases with their diagnosis; their differentials, studies and
    # images; a savepoint; that the quiz's new code is unused; the quiz; every entity, their
    # related entries, the mechanisms; the questions in one insert; the savepoint released.
    assert counts == [13, 13]


def test_a_new_quiz_never_takes_a_code_already_in_use(glossary, monkeypatch):
    from teaching import models

    case = make_quiz_case(glossary)
    first = quiz_of([case])
    drawn = iter([first.code, first.code, "q-2222222"])
    monkeypatch.setattr(models, "random_code", lambda prefix, length=6: next(drawn))
    assert quiz_of([case]).code == "q-2222222"
