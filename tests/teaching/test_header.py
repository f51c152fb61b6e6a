"""The site header: signing in and up for anonymous readers, the account and signing out for
signed-in ones, and the progress page for everyone."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_anonymous_reader_is_offered_sign_in_and_sign_up_back_to_this_page(client):
    body = client.get("/en/glossary/").content.decode()
    assert 'href="/en/account/login/?next=/en/glossary/"' in body
    assert 'href="/en/account/signup/?next=/en/glossary/"' in body
    assert "Sign out" not in body


def test_a_signed_in_reader_sees_their_account_and_a_sign_out_button(client, resident):
    client.force_login(resident)
    body = client.get("/en/glossary/").content.decode()
    assert '<a href="/en/account/" title="Your account">resident</a>' in body
    assert 'action="/en/account/logout/" method="post"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "Sign in</a>" not in body


def test_the_progress_page_is_linked_for_everyone(client, resident):
    assert 'href="/en/quiz/progress/"' in client.get("/en/").content.decode()
    client.force_login(resident)
    assert 'href="/en/quiz/progress/"' in client.get("/en/").content.decode()


def test_the_header_reads_in_spanish(client):
    body = client.get("/es/").content.decode()
    assert "Iniciar sesión" in body and "Crear cuenta" in body and "Progreso" in body
