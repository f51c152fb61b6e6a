"""The reader's colour scheme: chosen in the header, kept in the session, drawn on <html>."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.builders import make_case, make_user

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "static" / "css"


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_a_new_reader_follows_the_device(client):
    response = client.get("/en/")
    assert 'class="theme-auto"' in html_tag(response)
    assert '<meta name="color-scheme" content="light dark">' in response.content.decode()
    assert '<option value="auto" selected>Automatic</option>' in response.content.decode()


def test_the_chosen_scheme_is_kept_and_drawn_on_every_page(client):
    case = make_case()
    response = client.post("/en/theme/", {"theme": "dark", "next": "/en/glossary/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/glossary/"
    for address in ("/en/", case.get_absolute_url(), "/es/glossary/"):
        page = client.get(address)
        assert 'class="theme-dark"' in html_tag(page), address
        assert '<meta name="color-scheme" content="dark">' in page.content.decode()
    assert '<option value="dark" selected>Dark</option>' in client.get("/en/").content.decode()

    client.post("/en/theme/", {"theme": "light"})
    page = client.get("/en/").content.decode()
    assert 'class="theme-light"' in page
    assert '<meta name="color-scheme" content="light">' in page

    client.post("/en/theme/", {"theme": "auto"})
    assert 'class="theme-auto"' in html_tag(client.get("/en/"))


def test_the_header_form_posts_the_choice_and_comes_back_to_the_page(client):
    page = client.get("/en/glossary/?letter=b").content.decode()
    form = re.search(r'<form class="theme-switch".*?</form>', page, re.S).group(0)
    assert 'method="post" action="/en/theme/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/en/glossary/?letter=b">' in form
    # Without JavaScript the reader applies the choice with a button.
    assert '<button type="submit" class="theme-switch__apply">Apply</button>' in form


def test_the_switch_speaks_spanish(client):
    page = client.get("/es/").content.decode()
    assert "Esquema de colores" in page
    assert '<option value="dark">Oscuro</option>' in page


def test_a_signed_in_reader_keeps_the_choice_made_before_signing_in(client):
    client.post("/en/theme/", {"theme": "dark"})
    client.force_login(make_user())
    assert 'class="theme-dark"' in html_tag(client.get("/en/"))


def test_an_unknown_scheme_is_refused_with_a_message_and_the_choice_stays(client):
    client.post("/en/theme/", {"theme": "dark"})
    response = client.post("/en/theme/", {"theme": "purple", "next": "/en/glossary/"})
    assert response.status_code == 400
    assert "Choose a colour scheme: automatic, light or dark." in response.content.decode()
    assert client.post("/en/theme/", {}).status_code == 400
    assert client.session["theme"] == "dark"


def test_an_off_site_next_is_refused(client):
    for target in ("https://evil.example/", "//evil.example/en/", "javascript:alert(1)"):
        response = client.post("/en/theme/", {"theme": "dark", "next": target})
        assert response.status_code == 302
        assert response["Location"] == "/en/", target


def test_the_choice_is_only_set_by_post(client):
    assert client.get("/en/theme/", {"theme": "dark"}).status_code == 405
    assert 'class="theme-auto"' in html_tag(client.get("/en/"))


def declarations(block: str) -> list[str]:
    return sorted(d.strip() for d in block.split(";") if d.strip())


@pytest.mark.parametrize("sheet", sorted(p.name for p in CSS.glob("*.css")))
def test_a_forced_scheme_wins_over_the_device_in_every_stylesheet(sheet):
    """Each dark palette is written twice, once for a dark device unless the reader forced
    light and once for a reader who forced dark; the two copies must not drift apart."""
    text = (CSS / sheet).read_text()
    media = re.findall(r"@media \(prefers-color-scheme: dark\) \{\s*([^{]*)\{([^}]*)\}", text)
    forced = re.findall(r"^:root\.theme-dark \{([^}]*--[^}]*)\}", text, re.M)
    for selector, _block in media:
        assert selector.strip() == ":root:not(.theme-light)", sheet
    assert len(media) == len(forced), sheet
    for (_selector, device_block), forced_block in zip(media, forced, strict=True):
        assert declarations(device_block) == declarations(forced_block), sheet
