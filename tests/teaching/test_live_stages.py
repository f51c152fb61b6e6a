"""Where a key moves the projector: teaching/lib/live_stages.py, no database."""

from teaching.lib.live_stages import moved, stage_name, stages_for

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
