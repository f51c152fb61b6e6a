"""Nothing gives a quiz's answer away before it is given (issue 10 §2): every question page of
quizzes built from the demo, of every kind, in English and Spanish, and every address it loads
or points to, is free of the answer's names, synonyms and slugs, ignoring case and accents.

A diagnosis or glossary question must print the answer among its choices: there the test
checks the choices instead, that the right one is drawn exactly like every other.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from cases.models import Case
from teaching import services
from teaching.models import Kind
from tests.atlas.test_blind import giveaways, leaks

pytestmark = pytest.mark.django_db

CHOICES = re.compile(r'<fieldset class="quiz-choices">.*?</fieldset>', re.S)
CHOICE = re.compile(r'<label class="quiz-choice">(.*?)</label>', re.S)


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))


class _Addresses(HTMLParser):
    """Every address in the page: what it loads and what it links or posts to."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "formaction") and value:
                self.urls.append(value)
            if name == "srcset" and value:
                self.urls += [entry.split()[0] for entry in value.split(",") if entry.strip()]
            if name.startswith("data-") and value:
                self.urls.append(value)  # data attributes are checked like addresses


def addresses(body: str) -> list[str]:
    parser = _Addresses()
    parser.feed(body)
    return parser.urls


def check_choices(body: str, question, words) -> str:
    """Check the choices are uniform and hold the answer once; return the page without them."""
    block = CHOICES.search(body)
    assert block, "a choice question shows its choices"
    labels = CHOICE.findall(block.group())
    assert len(labels) == len(question.choices) and 4 <= len(labels) <= 5
    # Each label is the same markup with its own number and name, the answer's included.
    shapes = {re.sub(r"\d", "#", re.sub(r"</kbd>.*", "", label, flags=re.S)) for label in labels}
    assert len(shapes) == 1, shapes
    assert sum(bool(leaks(label, words)) for label in labels) >= 1
    return body[: block.start()] + body[block.end() :]


def test_no_question_page_nor_what_it_loads_names_the_answer(demo):
    cases = list(Case.objects.published().select_related("diagnosis"))
    assert len(cases) == 8
    checked = {kind: 0 for kind in Kind.values}
    for kind in Kind.values:
        quiz = services.quiz_build(cases=cases, kinds=[kind], source="filters", seed=3)
        client = Client()
        assert client.post(f"/en/quiz/{quiz.code}/start/", {"feedback": "each"}).status_code == 302
        for question in quiz.questions.select_related("entity"):
            case = next(c for c in cases if c.diagnosis_id == question.entity_id)
            words = giveaways(case)
            for lang in ("en", "es"):
                page = f"/{lang}/quiz/{quiz.code}/{question.position}/"
                response = client.get(page)
                assert response.status_code == 200, page
                body = response.content.decode()
                if question.kind in (Kind.DIAGNOSIS, Kind.GLOSSARY):
                    body = check_choices(body, question, words)
                assert not leaks(body, words), (page, leaks(body, words))
                for url in addresses(body):
                    assert not leaks(url, words), (page, url)
                    target = urljoin(page, url)
                    if target.startswith("/img/"):
                        loaded = client.get(target)
                        assert loaded.status_code == 200, target
                        headers = " ".join(f"{k}: {v}" for k, v in loaded.headers.items())
                        assert not leaks(headers, words), (target, headers)
                checked[question.kind] += 1
    assert checked[Kind.DIAGNOSIS] == checked[Kind.MECHANISM] == checked[Kind.GLOSSARY] == 16
    # Where-is-it questions exist only for images with a region drawn round the lesion.
    assert checked[Kind.WHERE] == 16


def test_the_glossary_prompt_puts_every_name_of_the_entity_out_of_sight(demo):
    cases = list(Case.objects.published().select_related("diagnosis"))
    quiz = services.quiz_build(cases=cases, kinds=[Kind.GLOSSARY], source="filters", seed=1)
    for question in quiz.questions.select_related("entity"):
        words = giveaways(next(c for c in cases if c.diagnosis_id == question.entity_id))
        for lang in ("en", "es"):
            assert question.prompt[lang].strip(), (question.entity.slug, lang)
            assert not leaks(question.prompt[lang], words), (question.entity.slug, lang)
