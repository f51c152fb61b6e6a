"""Double submits at once: two teachers' browsers adding and moving steps in parallel threads
leave positions 1..n, each once. On PostgreSQL, where rows are locked for real; the SQLite test
database runs one writer at a time anyway."""

import threading

import pytest
from django.db import connection, connections

from teaching.playlist_services import playlist_item_add, playlist_item_move
from tests.builders import make_case, make_user
from tests.teaching.playlist_builders import make_playlist

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
]


def run_at_once(work, count: int) -> list:
    errors, start = [], threading.Barrier(count)

    def one(n: int) -> None:
        try:
            start.wait()
            work(n)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_steps_added_and_moved_at_once_keep_unique_positions_without_gaps():
    owner = make_user(username="teacher")
    cases = [make_case() for _ in range(4)]
    playlist = make_playlist(owner=owner, cases=cases)
    items = list(playlist.items.order_by("position"))

    def work(n: int) -> None:
        if n % 2:
            playlist_item_add(playlist=playlist, case=cases[n % 4])
        else:
            playlist_item_move(item=items[n % 4], by=1 if n % 4 else -1)

    assert run_at_once(work, 8) == []
    assert list(playlist.items.values_list("position", flat=True).order_by("position")) == list(
        range(1, 4 + 4 + 1)
    )
