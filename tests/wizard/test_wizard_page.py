"""The wizard page: steps, answers in the address, the ranked differential, its flowchart."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from cases.models import Case
from tests.builders import make_case
from tests.wizard.builders import make_knowledge_base
from wizard.models import EntityPrior, Finding, FlowchartNode
from wizard.presenters import SCORE_MEANING
from wizard.ranking import next_best_question
from wizard.snapshot import knowledge_cache_clear, knowledge_snapshot

pytestmark = pytest.mark.django_db


def entries(response) -> list[str]:
    return [entry.slug for entry in response.context["ddx"].entries]


def test_the_first_step_asks_the_laboratory_questions_with_dont_know_chosen(client, kb):
    response = client.get("/en/wizard/")
    body = response.text
    assert response.status_code == 200
    assert "Step 1 of 4" in body
    assert '<progress class="wizard-steps__bar" max="4" value="1"' in body
    assert re.search(r'name="q-lab.calcium" value="" checked> Don’t know', body)
    assert 'name="q-lab.calcium" value="lab.calcium.high">' in body
    assert 'name="q-hx"' not in body  # history is the next step
    assert "Next: History" in body


def test_a_submitted_step_is_redirected_to_a_short_address_with_every_answer(client, kb):
    response = client.get(
        "/en/wizard/",
        {"q-lab.calcium": "lab.calcium.high", "q-lab.urate": "", "f": "hx.gout", "step": "site"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/wizard/?f=lab.calcium.high&f=hx.gout&step=site"


def test_answers_from_other_steps_ride_along_and_this_steps_answers_are_ticked(client, kb):
    body = client.get("/en/wizard/?f=lab.calcium.high&f=hx.gout&step=history").text
    assert '<input type="hidden" name="f" value="lab.calcium.high">' in body
    assert '<input type="hidden" name="f" value="hx.gout">' not in body
    assert 'name="q-hx" value="hx.gout" checked>' in body
    assert 'name="q-hx" value="hx.trauma">' in body


def test_the_step_list_shows_progress_and_links_keep_the_answers(client, kb):
    response = client.get("/en/wizard/?f=lab.calcium.high&f=lab.urate.high&step=history")
    steps = response.context["steps"]
    assert [(s.key, s.answered, s.current) for s in steps] == [
        ("laboratory", 2, False),
        ("history", 0, True),
        ("site", 0, False),
        ("results", 0, False),
    ]
    assert steps[0].url == "/en/wizard/?f=lab.calcium.high&f=lab.urate.high&step=laboratory"
    assert 'aria-current="step"' in response.text


def test_each_entry_names_the_answers_that_raised_or_lowered_it_and_why(client, kb):
    response = client.get("/en/wizard/?f=hx.gout&f=site.tendon&step=results")
    gout = next(e for e in response.context["ddx"].entries if e.slug == "tophaceous-gout")
    assert [(r.label, r.lr_text) for r in gout.raised_by] == [("Gout", "30")]
    assert [(r.label, r.lr_text) for r in gout.lowered_by] == [("Tendon", "0.5")]
    body = response.text
    assert 'Gout <span class="ddx-lr">×30</span>' in body
    assert "a known gouty patient" in body
    assert 'href="/en/glossary/tophaceous-gout/"' in body


def test_the_score_says_what_it_means(client, kb):
    assert "Relative probability among the entities" in client.get("/en/wizard/").text
    assert "not the probability of a diagnosis" in str(SCORE_MEANING)
    # In the catalogue's Spanish (the English text until the catalogue translates it).
    with translation.override("es"):
        spanish = str(SCORE_MEANING)
    assert spanish in client.get("/es/wizard/").text


def test_the_ranking_follows_the_answers(client, kb):
    assert entries(client.get("/en/wizard/"))[0] == "vascular-calcification"
    assert entries(client.get("/en/wizard/?f=hx.gout&f=lab.urate.high"))[0] == "tophaceous-gout"
    assert entries(client.get("/en/wizard/?f=site.tendon"))[0] == "calcific-tendinitis"


def test_unknown_codes_are_reported_as_ignored_not_refused(client, kb):
    response = client.get("/en/wizard/?f=hx.gout&f=no.such.code&step=results")
    assert response.status_code == 200
    assert response.context["ddx"].ignored == ["no.such.code"]
    assert "Not in the knowledge base, so ignored:" in response.text
    assert "<code>no.such.code</code>" in response.text


def test_conflicting_answers_are_ranked_and_the_page_says_which_and_why(client, kb):
    response = client.get("/en/wizard/?f=hx.ckd&f=lab.calcium.normal&f=lab.calcium.high")
    body = response.text
    assert response.status_code == 200
    assert "These answers conflict." in body
    assert "Serum calcium: Normal / Chronic kidney disease: Kidney disease with a normal" in body
    assert "Serum calcium: Normal / Serum calcium: High: Both answer a question" in body
    # The laboratory step says so at the question, and shows the first answer.
    assert "Two answers were given to this question" in body
    assert 'value="lab.calcium.normal" checked>' in body
    assert 'value="lab.calcium.high" checked>' not in body


def test_an_unknown_step_is_refused_with_its_name(client, kb):
    response = client.get("/en/wizard/?step=nowhere")
    assert response.status_code == 400
    assert "There is no step called “nowhere”." in response.text


def test_too_many_answers_are_refused_with_the_limit(client, kb):
    query = "&".join(f"f=made.up.{n}" for n in range(201))
    response = client.get(f"/en/wizard/?{query}")
    assert response.status_code == 400
    assert "Too many answers (201); the wizard takes at most 200." in response.text


def test_the_most_useful_next_question_is_offered_and_marked_on_its_step(client, kb):
    snapshot = knowledge_snapshot()
    best = next_best_question(snapshot.kb, ["lab.calcium.normal"])
    question = snapshot.kb.question_by_id[best]
    response = client.get(f"/en/wizard/?f=lab.calcium.normal&step={question.group}")
    body = response.text
    assert f"<strong>Most useful next question:</strong> {question.text.en} (" in body
    assert f'class="question question--next" id="question-{best}"' in body
    other = client.get("/en/wizard/?f=lab.calcium.normal&step=results").text
    assert f"step={question.group}" in other


def test_only_published_cases_of_an_entry_are_shown_with_a_link_to_all(client, kb):
    gout = kb["tophaceous-gout"]
    for n in range(5):
        make_case(diagnosis=gout, presentation_en=f"published gout {n}")
    make_case(diagnosis=gout, presentation_en="draft gout", status=Case.Status.DRAFT)
    # Entity-to-case links are an answer key: none until the reader shows diagnoses.
    blind = client.get("/en/wizard/?f=hx.gout&step=results").text
    assert "published gout" not in blind and "?entity=tophaceous-gout" not in blind
    client.post("/en/diagnoses/", {"show": "1"})
    response = client.get("/en/wizard/?f=hx.gout&step=results")
    entry = next(e for e in response.context["ddx"].entries if e.slug == "tophaceous-gout")
    assert entry.case_count == 5 and len(entry.cases) == 3
    assert "draft gout" not in response.text
    assert 'href="/en/cases/?entity=tophaceous-gout">See all 5 cases</a>' in response.text


def test_the_last_step_sums_up_the_answers_with_a_link_to_change_each_step(client, kb):
    response = client.get("/en/wizard/?f=lab.urate.high&f=hx.gout&step=results")
    summary = {step.key: labels for step, labels in response.context["summary"]}
    assert summary == {
        "laboratory": ["Serum uric acid: High"],
        "history": ["Gout"],
        "site": [],
    }
    assert 'href="/en/wizard/?f=lab.urate.high&amp;f=hx.gout&amp;step=site"' in response.text
    assert 'id="wizard-form"' not in response.text


def test_the_flowchart_highlights_the_path_the_answers_take(client, kb):
    response = client.get("/en/wizard/?f=lab.calcium.high&step=results")
    body = response.text
    assert "Your answers take the path:" in body
    on_path = re.findall(r'class="flow-node on-path[^"]*" data-node="([^"]+)"', body)
    assert on_path == ["calcinosis", "lab-altered", "metastatic"]
    assert 'class="flow-node" data-node="lab-normal"' in body
    assert "<svg" in body and "style=" not in body


def test_the_wizard_speaks_spanish_under_es(client, kb):
    response = client.get("/es/wizard/?f=hx.gout&step=results")
    body = response.text
    # The question is not asked on this step (the flowchart's printed profiles may name it).
    assert "Calcio sérico" not in re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    assert "Gota tofácea" in body
    gout = next(e for e in response.context["ddx"].entries if e.slug == "tophaceous-gout")
    assert [r.label for r in gout.reasons] == ["Gota"]
    assert 'href="/es/glossary/tophaceous-gout/"' in body
    assert 'href="/en/wizard/?f=hx.gout&amp;step=results"' in body  # language switch keeps state


def test_the_home_page_and_every_page_lead_to_the_wizard(client, kb):
    body = client.get("/en/").text
    assert 'href="/en/wizard/">Wizard</a>' in body
    assert "<h2>Differential-diagnosis wizard</h2>" in body


def test_a_wizard_step_costs_the_same_queries_whatever_the_size(client, django_assert_num_queries):
    entities = make_knowledge_base(extra=14)  # 17 entities ranked, 10 shown
    for entity in entities.values():
        for n in range(4):  # 4 published cases each, 3 shown
            make_case(diagnosis=entity, studies=0, presentation_en=f"case {n}")
    url = "/en/wizard/?f=site.articular&f=lab.calcium.normal&step=site"
    # Cold: 1 version token, 11 to build the knowledge base (groups, questions, findings,
    # priors, weights with their references, contradictions, retired codes with their parts,
    # nodes, selecting findings, entities on leaves, the glossary's mechanisms),
    # 1 for the shown entities' first cases, 1 for every entity's count of published cases
    # (kept in the shared cache until a case changes).
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["ddx"].entries) == 10
    assert all(len(e.cases) == 3 and e.case_count == 4 for e in response.context["ddx"].entries)
    # Warm: 1 version token, 1 for the cases; emptying the cache (of the page, so that this
    # counts the view's own) empties the counts too, and the first page counts again.
    cache.clear()
    with django_assert_num_queries(3):
        client.get(url)
    with django_assert_num_queries(2):
        client.get("/en/wizard/?f=hx.gout&step=results")


def test_without_a_knowledge_base_the_wizard_answers_503_and_says_why(client, editor):
    response = client.get("/en/wizard/")
    assert response.status_code == 503
    assert "The wizard is unavailable" in response.text
    assert "no entities" not in response.text
    client.force_login(editor)
    assert "the knowledge base has no entities" in client.get("/en/wizard/").text


def test_staff_are_told_when_the_wizard_serves_the_last_consistent_version(client, kb, editor):
    client.get("/en/wizard/")
    EntityPrior.objects.filter(entity=kb["calcific-tendinitis"]).delete()
    anonymous = client.get("/en/wizard/")
    assert anonymous.status_code == 200
    assert "calcific-tendinitis" in [e.slug for e in anonymous.context["ddx"].entries]
    assert "last consistent version" not in anonymous.text
    client.force_login(editor)
    body = client.get("/en/wizard/").text
    assert "last consistent version" in body
    assert "unknown entity &#x27;calcific-tendinitis&#x27;" in body


def test_a_reserved_or_missing_root_is_a_problem_not_a_crash(client, kb):
    FlowchartNode.objects.filter(key="calcinosis").delete()
    knowledge_cache_clear()
    assert client.get("/en/wizard/").status_code == 503


def test_answer_labels_written_by_authors_are_escaped(client, kb):
    Finding.objects.filter(code="lab.calcium.high").update(label_en='High <script>x</script> "a"')
    knowledge_cache_clear()
    body = client.get("/en/wizard/").text
    assert "High &lt;script&gt;x&lt;/script&gt; &quot;a&quot;</label>" in body
    assert "<script>x</script>" not in body
