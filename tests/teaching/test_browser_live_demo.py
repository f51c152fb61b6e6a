"""The projector with the demo's own playlist, whose findings and teaching points are long:
every screen of every step, at a 4:3 and a 16:9 size, fits with nothing cut off."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from teaching import services
from teaching.live_selectors import steps_of
from teaching.models import Playlist

from .test_browser_live import signed_in, watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every box on the screen keeps its content (scrollHeight <= clientHeight: nothing cut off
# by overflow: hidden), every element lies inside the window, and the smallest text is
# measured both as drawn and scaled to a 1280 x 720 screen on the same wall.
MEASURE = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const problems = [];
  const sizes = [];
  for (const el of document.querySelectorAll('#screen, #screen *')) {
    if (!el.getClientRects().length || el instanceof SVGElement) continue;
    const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
      sizes.push(parseFloat(getComputedStyle(el).fontSize));
    }
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      problems.push(['outside the window', name]);
    }
    if (el.clientHeight && el.scrollHeight > el.clientHeight + 1) {
      problems.push(['cut off below', name, el.scrollHeight, el.clientHeight]);
    }
    if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) {
      problems.push(['cut off at the side', name, el.scrollWidth, el.clientWidth]);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > vw || doc.scrollHeight > vh) problems.push(['scrollbars', 'html']);
  const smallest = Math.min(...sizes);
  // A larger screen is drawn down to 1280 x 720; a 1024 x 768 one is no larger, so as drawn.
  return {problems, smallest, at1280x720: smallest * Math.min(1, Math.max(1280 / vw, 720 / vh))};
}"""

WHERE = """() => {
  const s = document.getElementById('screen');
  return s.dataset.fitted ? [document.querySelector('.live-controls__place').textContent,
    s.dataset.version, s.dataset.stage, s.dataset.page, s.dataset.pages] : null;
}"""

IMAGES_LOADED = "() => [...document.images].every(i => i.complete)"


def walk(page, *, last: tuple[str, str]) -> list[tuple]:
    """Press → from the first screen to the last one (`last`: its place and stage), measuring
    each; return what was seen."""
    seen = []
    while True:
        page.wait_for_function(WHERE)
        page.wait_for_function(IMAGES_LOADED)
        place, _version, stage, number, pages = page.evaluate(WHERE)
        measured = page.evaluate(MEASURE)
        where = (place, stage, f"{number} of {pages}")
        assert measured["problems"] == [], (where, measured["problems"][:5])
        assert measured["smallest"] >= 28, (where, measured)
        assert measured["at1280x720"] >= 28, (where, measured)
        seen.append((place, stage, int(number), int(pages)))
        if (place, stage) == last and number == pages:
            return seen
        before = page.evaluate(f"() => JSON.stringify(({WHERE})())")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"(before) => JSON.stringify(({WHERE})()) !== before", arg=before, timeout=20_000
        )


def test_every_screen_of_the_demo_playlist_fits_at_4_3_and_16_9(chromium, live_server):
    call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))
    host = get_user_model().objects.create_superuser("host", "", "pw-for-tests")
    playlist = Playlist.objects.get()
    for viewport in ({"width": 1024, "height": 768}, {"width": 1920, "height": 1080}):
        session = services.live_session_start(playlist=playlist, host=host)
        context = signed_in(chromium, live_server, host, viewport)
        page = context.new_page()
        errors = watch_errors(page)
        page.goto(f"/en/live/{session.code}/present/")
        steps = playlist.items.count()
        _items, stages_of = steps_of(session)
        seen = walk(page, last=(f"Step {steps} of {steps}", stages_of[max(stages_of)][-1]))
        assert {place for place, *_ in seen} == {
            f"Step {n} of {steps}" for n in range(1, steps + 1)
        }
        stages = {stage for _place, stage, *_ in seen}
        assert stages == {"slide", "history", "images", "question", "answer", "findings"}
        # The long findings did not fit on one screen: they continued over the next ones.
        assert any(pages > 1 for *_rest, pages in seen), viewport
        assert errors == []
        context.close()
