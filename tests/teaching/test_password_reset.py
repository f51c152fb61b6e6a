"""A forgotten password: a link by email, in the reader's language, that sets a new one."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

URL = "/en/account/password/reset/"
NEW = "fresh-calcific-password-7"


@pytest.fixture
def reader():
    return get_user_model().objects.create_user(
        "reader", email="reader@hospital.example", password="old-password-42"
    )


def reset_link(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_asking_for_a_reset_sends_one_email_with_a_link(client, reader):
    response = client.post(URL, {"email": "reader@hospital.example"})
    assert response.status_code == 302
    assert response["Location"] == "/en/account/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@hospital.example"]
    assert message.subject == "Reset your password for the calcification atlas"
    assert "reader" in message.body
    assert reset_link(message).startswith("/en/account/password/reset/")


def test_the_sent_page_says_what_to_expect(client, reader):
    response = client.post(URL, {"email": "reader@hospital.example"}, follow=True)
    assert "Check your email" in response.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_email(client, reader):
    response = client.post(URL, {"email": "nobody@hospital.example"})
    assert response["Location"] == "/en/account/password/reset/sent/"
    assert mail.outbox == []


def test_the_link_sets_a_new_password_that_signs_in(client, reader):
    client.post(URL, {"email": "reader@hospital.example"})
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Password changed" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(NEW)
    signed_in = client.post("/en/account/login/", {"username": "reader", "password": NEW})
    assert signed_in.status_code == 302


def test_a_used_link_no_longer_works(client, reader):
    client.post(URL, {"email": "reader@hospital.example"})
    link = reset_link(mail.outbox[0])
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_forged_link_is_refused_and_changes_nothing(client, reader):
    response = client.get("/en/account/password/reset/MQ/forged-token/", follow=True)
    assert "This link no longer works" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password("old-password-42")


def test_the_email_is_written_in_the_language_it_was_asked_in(client, reader):
    client.post("/es/account/password/reset/", {"email": "reader@hospital.example"})
    message = mail.outbox[0]
    assert message.subject == "Restablezca su contraseña del atlas de calcificaciones"
    assert reset_link(message).startswith("/es/account/password/reset/")
