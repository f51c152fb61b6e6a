"""Where a key moves the projector: teaching/lib/live_stages.py, no database."""

from teaching.lib.live_stages import LAST_PAGE, moved, page_shown, paged, stage_name, stages_for

STEPS = {
    1: stages_for(is_slide=True, asks=False, chosen=[]),
    2: stages_for(is_slide=False, asks=True, chosen=[]),
    5: stages_for(is_slide=False, asks=False, chosen=["images"]),
}


def test_a_case_step_reveals_history_images_question_answer_then_findings():
    assert STEPS[2] == ["history", "images", "question", "answer", "findings"]
    assert STEPS[1] == ["slide"]
    assert STEPS[5] == ["images"]  # the teacher showed the images only, and asked nothing


def test_next_walks_the_stages_then_the_steps_and_stops_at_the_end():
    assert moved(STEPS, 1, 0, "next") == (2, 0)
    assert moved(STEPS, 2, 4, "next") == (5, 0)  # a gap in the positions is skipped
    assert moved(STEPS, 5, 0, "next") == (5, 0)


def test_back_from_a_step_lands_on_the_last_stage_of_the_one_before():
    assert moved(STEPS, 5, 0, "back") == (2, 4)
    assert moved(STEPS, 2, 3, "back") == (2, 2)
    assert moved(STEPS, 1, 0, "back") == (1, 0)


def test_goto_counts_steps_as_the_audience_does_and_ignores_a_step_that_is_not_there():
    assert moved(STEPS, 1, 0, "goto", 3) == (5, 0)
    assert moved(STEPS, 2, 1, "goto", 9) == (2, 1)


def test_reveal_jumps_to_the_answer_or_for_a_step_without_question_to_its_last_stage():
    assert stage_name(STEPS, *moved(STEPS, 2, 0, "reveal")) == "answer"
    assert moved(STEPS, 2, 4, "reveal") == (2, 4)  # never backwards
    assert moved(STEPS, 5, 0, "reveal") == (5, 0)


def test_next_walks_the_screens_of_a_long_text_before_the_next_stage():
    assert paged(STEPS, (2, 0, 1), 3, "next") == (2, 0, 2)
    assert paged(STEPS, (2, 0, 2), 3, "next") == (2, 0, 3)
    assert paged(STEPS, (2, 0, 3), 3, "next") == (2, 1, 1)  # the images start afresh


def test_back_walks_the_screens_back_and_into_the_previous_stage_at_its_last_screen():
    assert paged(STEPS, (2, 1, 2), 2, "back") == (2, 1, 1)
    position, stage, page = paged(STEPS, (2, 1, 1), 2, "back")
    assert (position, stage) == (2, 0) and page == LAST_PAGE
    # Until the projector measures the history again, its last screen is its only one.
    assert page_shown(page, 1) == 1 and page_shown(page, 4) == 4


def test_a_jump_starts_the_text_at_its_first_screen_and_one_that_moves_nothing_keeps_it():
    assert paged(STEPS, (2, 0, 2), 3, "goto", 3) == (5, 0, 1)
    assert paged(STEPS, (2, 0, 2), 3, "reveal") == (2, 3, 1)
    assert paged(STEPS, (5, 0, 2), 2, "next") == (5, 0, 2)  # the very end
    assert paged(STEPS, (2, 4, 2), 2, "reveal") == (2, 4, 2)


def test_a_page_past_the_count_measured_is_shown_as_the_last_one():
    assert page_shown(7, 3) == 3 and page_shown(0, 3) == 1 and page_shown(2, 0) == 1
    assert paged(STEPS, (2, 0, 7), 3, "next") == (2, 1, 1)
    assert paged(STEPS, (2, 0, 7), 3, "back") == (2, 0, 2)
