"""Nothing gives an unknown away (issue 10): for every demo case, each stage before reveal,
in English and Spanish, and every address the page loads (pictures, the viewer and what the
viewer loads) is free of the diagnosis's names, synonyms and slugs, ignoring case and accents.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from atlas.lib.text import fold
from cases.models import Case, Image
from diagnosis.models import Entity

pytestmark = pytest.mark.django_db

STAGES_BEFORE_REVEAL = ("history", "images", "findings")


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    # The images are rendered by the task queued on commit: run it, as `make run` would.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))


def giveaways(case: Case) -> list[str]:
    """Every word that names the case's answer: the diagnosis's names and synonyms in both
    languages, its slug and the case's internal name (with hyphens and as words)."""
    entity: Entity = case.diagnosis
    words = [entity.name_en, entity.name_es, entity.slug, case.slug]
    words += [entity.slug.replace("-", " "), case.slug.replace("-", " ")]
    for lang in ("en", "es"):
        words += (getattr(entity, f"synonyms_{lang}") or "").splitlines()
    return sorted({fold(word) for word in words if word.strip()})


def leaks(text: str, words: list[str]) -> list[str]:
    """The words found in `text` as whole words (so "MO" is not found in "more")."""
    folded = fold(text)
    return [w for w in words if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded)]


class _Loads(HTMLParser):
    """What a page makes the browser fetch, or offers to open: pictures (src and every
    srcset entry), links to the viewer and the rendition the viewer's script builds."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.urls.append(attrs.get("src") or "")
            for entry in (attrs.get("srcset") or "").split(","):
                if entry.strip():
                    self.urls.append(entry.split()[0])
        # The path only: the header's sign-in link carries the page's address in ?next=.
        if tag == "a" and "/images/" in urlsplit(attrs.get("href") or "").path:
            self.urls.append(attrs["href"])
        if tag == "a" and (attrs.get("href") or "").startswith("/img/"):
            self.urls.append(attrs["href"])
        pattern = attrs.get("data-pattern")
        if pattern:
            for frame in range(int(attrs.get("data-frames") or 1)):
                for entry in (attrs.get("data-sizes") or "").split(","):
                    if entry:
                        variant = entry.split()[0]
                        url = pattern.replace("{frame}", str(frame))
                        self.urls.append(url.replace("{variant}", variant))


def loads(body: str) -> list[str]:
    parser = _Loads()
    parser.feed(body)
    return [url for url in parser.urls if url]


def test_no_stage_before_reveal_nor_anything_it_loads_names_the_diagnosis(demo, client):
    cases = list(Case.objects.published().select_related("diagnosis"))
    assert len(cases) == 8
    assert Image.objects.filter(pixels=Image.Pixels.READY).count() >= 30
    fetched: dict[str, str] = {}
    checked_pages = 0
    for case in cases:
        words = giveaways(case)
        for lang in ("en", "es"):
            base = f"/{lang}/cases/{case.code}/"
            for stage in STAGES_BEFORE_REVEAL:
                page = f"{base}?stage={stage}"
                response = client.get(page)
                assert response.status_code == 200, page
                body = response.content.decode()
                assert not leaks(page, words), page
                assert not leaks(body, words), (page, leaks(body, words))
                checked_pages += 1
                queue = [urljoin(page, url) for url in loads(body)]
                while queue:
                    url = queue.pop()
                    if url in fetched:
                        continue
                    assert not leaks(url, words), url
                    loaded = client.get(url)
                    assert loaded.status_code == 200, url
                    headers = " ".join(f"{k}: {v}" for k, v in loaded.headers.items())
                    assert not leaks(headers, words), (url, headers)
                    fetched[url] = loaded["Content-Type"]
                    if loaded["Content-Type"].startswith("text/html"):
                        html = loaded.content.decode()
                        assert not leaks(html, words), (url, leaks(html, words))
                        queue += [urljoin(url, more) for more in loads(html)]
    assert checked_pages == 8 * 2 * 3
    # The viewer of every ready image was opened, and the pictures it and the page load.
    viewers = [url for url, kind in fetched.items() if kind.startswith("text/html")]
    pictures = [url for url, kind in fetched.items() if kind == "image/webp"]
    ready = {str(key) for key in Image.objects.filter(pixels="ready").values_list("key", flat=True)}
    assert {urlsplit(url).path.split("/images/")[1].strip("/") for url in viewers} == ready
    assert {url.split("/")[2] for url in pictures} == ready


def test_the_blind_case_list_names_no_diagnosis_until_asked(demo, client):
    names = sorted({w for case in Case.objects.published() for w in giveaways(case)})
    for lang in ("en", "es"):
        body = client.get(f"/{lang}/cases/").content.decode()
        assert not leaks(body, names), leaks(body, names)
        assert 'name="entity"' not in body
    client.post(reverse("diagnoses"), {"show": "1", "next": "/en/cases/"})
    body = client.get("/en/cases/").content.decode()
    assert 'name="entity"' in body and "Tophaceous gout" in body
    gout = Case.objects.get(diagnosis__slug="tophaceous-gout")
    # Diagnoses shown, a card leads straight to the revealed case.
    assert f'href="{gout.get_absolute_url()}?stage=diagnosis"' in body


def test_search_finds_no_case_by_its_diagnosis_until_asked(demo, client):
    cases = list(Case.objects.published().select_related("diagnosis"))
    for case in cases:
        # Search matches inside words, so two- and three-letter abbreviations ("MO", "HO")
        # are found in ordinary words ("more", "shoulder"); every longer name must not be.
        for word in (w for w in giveaways(case) if len(w) > 3):
            found = client.get("/en/search/", {"q": word}).context["cases"]
            assert case not in found, (case.slug, word)
    client.post(reverse("diagnoses"), {"show": "1"})
    for case in cases:
        for word in (case.diagnosis.name_en, case.diagnosis.name_es):
            found = client.get("/es/search/", {"q": word}).context["cases"]
            assert case in found, (case.slug, word)
    client.post(reverse("diagnoses"), {"show": "0"})
    # Asked before with diagnoses hidden, this page now comes from the page cache: read it.
    again = client.get("/en/search/", {"q": "tophaceous gout"})
    assert not [case for case in cases if case.get_absolute_url() in again.text]
    assert "0 cases" in again.text


def test_the_blank_wizard_links_no_entity_to_its_cases_until_asked(demo, client):
    codes = list(Case.objects.published().values_list("code", flat=True))
    body = client.get("/en/wizard/").content.decode()
    assert not [code for code in codes if code in body]
    assert "?entity=" not in body
    client.post(reverse("diagnoses"), {"show": "1"})
    body = client.get("/en/wizard/").content.decode()
    assert [code for code in codes if code in body]


def test_every_demo_neutral_caption_names_no_diagnosis(demo):
    """The captions authors wrote for before reveal, in both languages, and the defaults."""
    for image in Image.objects.select_related("study__case__diagnosis"):
        words = giveaways(image.study.case)
        for lang in ("en", "es"):
            text = getattr(image, f"caption_neutral_{lang}") or ""
            assert not leaks(text, words), (image.pk, lang, text)
        assert not leaks(image.default_neutral_caption, words)
