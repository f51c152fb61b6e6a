"""A live session's place: which reveal stages each playlist step has, and where a key moves
the projector. Pure, no database: the views hand in the steps and read back a place."""

SLIDE, HISTORY, IMAGES, QUESTION, ANSWER, FINDINGS = (
    "slide",
    "history",
    "images",
    "question",
    "answer",
    "findings",
)
ACTIONS = ("next", "back", "goto", "reveal", "blank")
# The most screens one text box may be measured to fill; a larger count is a broken report.
MAX_PAGES = 50
# Stored as the page after ← into a long text: its last screen, whatever the projector then
# measures (the page shown is never past the page count).
LAST_PAGE = 32767


def stages_for(*, is_slide: bool, asks: bool, chosen: list[str] | None) -> list[str]:
    """The step's stages in order. A slide has one; a case shows the stages its teacher chose
    (all when none were chosen), with the question and its answer after the images."""
    if is_slide:
        return [SLIDE]
    wanted = set(chosen or (HISTORY, IMAGES, "findings", "discussion"))
    stages = [name for name in (HISTORY, IMAGES) if name in wanted]
    if asks:
        stages += [QUESTION, ANSWER]
    if wanted & {"findings", "discussion"}:
        stages.append(FINDINGS)
    return stages or [HISTORY]


def moved(
    steps: dict[int, list[str]], position: int, stage: int, action: str, number: int = 0
) -> tuple[int, int]:
    """The place after the action: (position, stage). `steps` maps each step's position to its
    stages; "goto" takes the step's number as the audience counts, from 1."""
    positions = sorted(steps)
    if not positions:
        return position, stage
    if position not in steps:
        return positions[0], 0
    here = positions.index(position)
    last = len(steps[position]) - 1
    if action == "next":
        if stage < last:
            return position, stage + 1
        if here + 1 < len(positions):
            return positions[here + 1], 0
        return position, last
    if action == "back":
        if stage > 0:
            return position, min(stage - 1, last)
        if here > 0:
            previous = positions[here - 1]
            return previous, len(steps[previous]) - 1
        return position, 0
    if action == "goto":
        if 1 <= number <= len(positions):
            return positions[number - 1], 0
        return position, stage
    if action == "reveal":
        names = steps[position]
        if ANSWER in names:
            return position, max(stage, names.index(ANSWER))
        return position, last
    return position, stage


def page_shown(page: int, pages: int) -> int:
    """The screen of the text the room sees, from 1: never past the count measured."""
    return min(max(page, 1), max(pages, 1))


def paged(
    steps: dict[int, list[str]],
    place: tuple[int, int, int],
    pages: int,
    action: str,
    number: int = 0,
) -> tuple[int, int, int]:
    """The place after the action, with the screens of a long text: (position, stage, page).
    → and ← walk the `pages` screens the projector measured before they move the stage; a
    new place starts at its first screen, or, reached by ←, at its last."""
    position, stage, page = place
    page = page_shown(page, pages)
    if action == "next" and page < pages:
        return position, stage, page + 1
    if action == "back" and page > 1:
        return position, stage, page - 1
    new_position, new_stage = moved(steps, position, stage, action, number)
    if (new_position, new_stage) == (position, stage):
        return position, stage, page
    return new_position, new_stage, LAST_PAGE if action == "back" else 1


def stage_name(steps: dict[int, list[str]], position: int, stage: int) -> str:
    names = steps.get(position) or [SLIDE]
    return names[min(stage, len(names) - 1)]
