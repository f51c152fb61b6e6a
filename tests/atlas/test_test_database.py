"""The tests' database behaves as production's does when two requests meet: in a browser
test the live server serves each window on its own thread and connection."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_saves_while_another_is_still_reading_the_same_table():
    # On SQLite's shared in-memory database the save failed at once with "database table is
    # locked" (a shared-cache lock waits for no timeout): the projector's key got a 500 while
    # the presenter's poll was reading. A file in WAL mode lets the reader go on and the
    # writer write; PostgreSQL's rows never blocked.
    users = get_user_model()
    first = users.objects.create_user("first")
    users.objects.create_user("second")
    cursor = connection.cursor()
    cursor.execute("SELECT id FROM auth_user ORDER BY id")
    assert cursor.fetchone() == (first.pk,)  # the statement is still open: one row of two
    failures = []

    def save():
        try:
            users.objects.filter(pk=first.pk).update(first_name="Ana")
        except Exception as error:  # noqa: BLE001 - the failure is what the test reports
            failures.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=save)
    writer.start()
    writer.join(timeout=30)
    cursor.close()
    assert not writer.is_alive()
    assert failures == []
    assert users.objects.get(pk=first.pk).first_name == "Ana"
