"""The images step in the viewer, shared by the projector and the presenter view: which image
is open large, its frame and its window live in the session's row (live:go "view" and
"look"), and nothing about them gives the diagnosis away before the reveal."""

import pytest
from django.test import Client

from cases.models import Image, Study
from teaching.live_services import live_session_go, live_session_look, live_session_view
from teaching.models import LiveSession
from tests.atlas.test_blind import giveaways, leaks

from .live_builders import go, host_client, make_live

pytestmark = pytest.mark.django_db


def at_images(frames: int = 6) -> LiveSession:
    """Step 2 at its images: a CT stack of `frames` frames, then a radiograph."""
    session = make_live()
    case = session.playlist.items.get(position=2).case
    Image.objects.filter(study__case=case).update(frame_count=frames)
    study = Study.objects.create(case=case, order=2, modality=Study.Modality.RADIOGRAPH)
    Image.objects.create(
        study=study,
        order=1,
        caption_en="A dermatomyositis sheet.",
        alt_text_en="Dermatomyositis, sheet-like.",
        pixels=Image.Pixels.READY,
        modality="CR",
        width=800,
        height=1000,
        frame_count=1,
    )
    live_session_go(session=session, action="goto", number=2)
    return live_session_go(session=session, action="next")


def look(client, session, figure, frame, preset):
    return client.post(
        f"/en/live/{session.code}/go/",
        {"action": "look", "number": figure, "frame": frame, "preset": preset},
        headers={"Accept": "application/json"},
    )


def state(session) -> dict:
    return Client().get(f"/en/live/{session.code}/state/").json()


def test_opening_an_image_large_is_the_rooms_state_from_its_first_frame():
    session = at_images()
    client = host_client(session)
    opened = go(client, session, "view", 1).json()
    assert (opened["figure"], opened["frame"], opened["preset"]) == (1, 1, "file")
    taken = look(client, session, 1, 4, "bone").json()
    assert taken["applied"] and (taken["frame"], taken["preset"]) == (4, "bone")
    assert (state(session)["figure"], state(session)["frame"]) == (1, 4)
    # The next image opens at its own first frame and in its own window.
    moved = go(client, session, "view", 2).json()
    assert (moved["figure"], moved["frame"], moved["preset"]) == (2, 1, "file")
    assert go(client, session, "view", 0).json()["figure"] is None  # back to the grid


def test_a_frame_past_the_stack_is_its_last_and_an_image_without_that_window_is_refused():
    session = at_images(frames=6)
    client = host_client(session)
    go(client, session, "view", 1)
    assert look(client, session, 1, 99, "file").json()["frame"] == 6
    assert look(client, session, 1, 2, "spleen").status_code == 400
    go(client, session, "view", 2)
    assert look(client, session, 2, 1, "bone").status_code == 400  # a radiograph has no windows
    assert go(client, session, "view", 3).status_code == 400  # the step has two images


def test_a_look_sent_for_an_image_no_longer_open_is_ignored():
    session = at_images()
    session = live_session_view(session=session, figure=1)
    session = live_session_view(session=session, figure=2)  # the presenter moved on meanwhile
    session, applied = live_session_look(session=session, figure=1, frame=3, preset="bone")
    assert not applied and (session.figure, session.frame, session.preset) == (2, 1, "file")


def test_the_image_keys_turn_from_the_rooms_image_counted_round():
    session = at_images()  # two images
    client = host_client(session)
    assert go(client, session, "turn", -1).json()["figure"] == 2  # from the grid, the last
    opened = go(client, session, "turn", 1).json()  # round to the first
    assert (opened["figure"], opened["frame"], opened["preset"]) == (1, 1, "file")
    # Counted from the room's image, not from the window's: a window still showing image 1
    # after another opened image 2 turns the room to image 1, as → and ← count from the room.
    live_session_view(session=session, figure=2)
    assert go(client, session, "turn", 1).json()["figure"] == 1
    assert state(session)["figure"] == 1
    assert go(client, session, "turn", 2).status_code == 400  # one image at a time


def test_an_image_key_on_a_step_without_images_is_refused_and_moves_nothing():
    session = make_live()  # at step 1, a title slide
    version = state(session)["version"]
    response = go(host_client(session), session, "turn", 1)
    assert response.status_code == 400
    assert state(session)["version"] == version


def test_the_next_stage_closes_the_image_and_opening_it_again_changes_nothing():
    session = at_images()
    session = live_session_view(session=session, figure=1)
    again = live_session_view(session=session, figure=1)
    assert again.version == session.version
    session = live_session_go(session=session, action="next")
    assert (session.figure, session.frame, session.preset) == (None, 1, "file")


def test_the_projector_draws_the_open_image_and_the_presenter_says_what_the_room_sees():
    session = at_images()
    client = host_client(session)
    go(client, session, "view", 1)
    look(client, session, 1, 3, "lung")
    page = client.get(f"/en/live/{session.code}/present/").content.decode()
    assert 'id="live-viewer" data-figure="1" data-frame="3" data-preset="lung"' in page
    assert "/2/display-lung.webp" in page and "frame 3 / 6" in page
    presenter = client.get(f"/en/live/{session.code}/presenter/").content.decode()
    assert "image 1 of 2 large, frame 3 of 6, window: Lung" in presenter
    assert "/2/display-lung.webp" in presenter  # the room's image, small


@pytest.mark.parametrize("figure", [1, 2])
def test_nothing_in_the_open_viewer_or_the_state_gives_the_diagnosis_away(figure):
    session = at_images()
    client = host_client(session)
    go(client, session, "view", figure)
    case = session.playlist.items.get(position=2).case
    words = [*giveaways(case), "sheet"]
    for response in (
        client.get(f"/en/live/{session.code}/present/"),
        client.get(f"/en/live/{session.code}/state/"),
    ):
        text = response.content.decode()
        assert leaks(text, words) == [] and "Caption." not in text


def test_a_look_and_an_image_opened_take_the_same_queries_however_many_images(
    django_assert_num_queries,
):
    session = at_images()
    case = session.playlist.items.get(position=2).case
    study = case.studies.get(order=2)
    for order in range(2, 12):
        Image.objects.create(study=study, order=order, pixels=Image.Pixels.READY, modality="CR")
    client = host_client(session)
    # 1. the live session by its code; 2-5. the browser's session, its user and permissions;
    # 6. savepoint; 7. the row locked; 8. the step's images; 9. the update; 10. release;
    # 11. the row read back for the answer
    with django_assert_num_queries(11):
        assert go(client, session, "view", 1).json()["figure"] == 1
    with django_assert_num_queries(11):
        assert look(client, session, 1, 2, "bone").json()["frame"] == 2
    # 1. the state, whatever is open
    with django_assert_num_queries(1):
        assert state(session)["preset"] == "bone"


def test_the_presenter_names_no_frame_for_an_image_of_one():
    session = at_images()
    client = host_client(session)
    go(client, session, "view", 2)
    presenter = client.get(f"/en/live/{session.code}/presenter/").content.decode()
    assert "image 2 of 2 large, window: Default" in presenter
