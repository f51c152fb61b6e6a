"""Live sessions: the projector, the presenter view, the state they poll, and the phones.

Nothing is kept in one process's memory: the place is the LiveSession row and the tally is the
quiz's answers, so any number of gunicorn workers or machines serve one session.
"""

import io

import segno
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.viewer import (
    PRESET_LABELS,
    overlay_scale,
    overlay_shapes,
    rendition_pattern,
    srcset_sizes,
)
from wizard.knowledge import KnowledgeBaseError
from wizard.presenters import diagnosis_flowchart
from wizard.snapshot import knowledge_snapshot

from . import services
from .lib import regions
from .lib.csv_cells import csv_lines
from .lib.live_stages import ANSWER, FINDINGS, HISTORY, IMAGES, QUESTION, SLIDE, stage_name
from .live_selectors import (
    may_host,
    question_of,
    results_of,
    session_or_404,
    state_of,
    step_at,
    steps_of,
    tally,
)
from .live_services import (
    live_session_go,
    live_session_look,
    live_session_measure,
    live_session_turn,
    live_session_view,
)
from .models import Kind, Playlist
from .permissions import is_teacher
from .selectors import attempt_for
from .views import REFUSALS, answer_form_for, display_height, display_width


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "live/refused.html", {"message": message}, status=status)


def _hosted_or_refuse(request: HttpRequest, code: str):
    session = session_or_404(code)
    if not may_host(request.user, session):
        return session, _refuse(request, _("Only the session's teachers may open this."), 403)
    return session, None


@require_POST
def live_start(request: HttpRequest, code: str) -> HttpResponse:
    playlist = get_object_or_404(Playlist, code=code)
    editor = (
        playlist.owner_id == request.user.pk or playlist.editors.filter(pk=request.user.pk).exists()
    )
    if not (is_teacher(request.user) and (request.user.is_superuser or editor)):
        return _refuse(request, _("Only the playlist's teachers may start a live session."), 403)
    session = services.live_session_start(playlist=playlist, host=request.user)
    return redirect("live:present", session.code)


# The reveal stages as the presenter view names them.
STAGE_LABELS = {
    SLIDE: gettext_lazy("Slide"),
    HISTORY: gettext_lazy("History"),
    IMAGES: gettext_lazy("Images"),
    QUESTION: gettext_lazy("Question"),
    ANSWER: gettext_lazy("Answer"),
    FINDINGS: gettext_lazy("Findings"),
}


def _join_url(request: HttpRequest, session) -> str:
    return request.build_absolute_uri(reverse("live-short", args=[session.code]))


def _screen(request: HttpRequest, session) -> dict:
    """What the projector shows at the session's place, and the place's neighbours."""
    items, steps = steps_of(session)
    item = step_at(session, session.position) if session.position in steps else None
    name = stage_name(steps, session.position, session.stage)
    context = {
        "session": session,
        "item": item,
        "case": item.case if item else None,
        "stage": name,
        "stages": steps.get(session.position, []),
        "stage_label": STAGE_LABELS.get(name, name),
        "stage_labels": [STAGE_LABELS.get(n, n) for n in steps.get(session.position, [])],
        "steps": items,
        "figure_count": _figure_count(item.case) if item and item.case else 0,
        "page": session.shown_page,
        "number": next((n for n, i in enumerate(items, 1) if i.position == session.position), 0),
        "join_url": _join_url(request, session),
        "controls": [
            ("back", _("Back")),
            ("next", _("Next")),
            ("reveal", _("Reveal")),
            ("blank", _("Blank")),
        ],
    }
    question = question_of(session, session.position) if name in (QUESTION, ANSWER) else None
    context["question"] = question
    if question is not None and name == ANSWER:
        context["tally"] = tally(question)
        if question.kind == Kind.WHERE and question.image:
            context["taps"] = _taps(question, context["tally"])
    if item is not None and item.case and name == IMAGES:
        context["figures"] = _figures(item.case, session)
    if item is not None and item.case and name == FINDINGS:
        _annotate(item.case)
    if item is not None and item.case and name in (ANSWER, FINDINGS):
        # The flowchart's path names the diagnosis: it is on the page only after the reveal.
        diagnosis = item.case.diagnosis
        try:
            context["flowchart"] = diagnosis_flowchart(
                knowledge_snapshot(),
                get_language(),
                slug=diagnosis.slug,
                printed_as=[diagnosis.parent.slug] if diagnosis.parent else [],
            )
        except KnowledgeBaseError:
            context["flowchart"] = ""  # an atlas without a knowledge base shows no flowchart
    return context


def _figure_count(case) -> int:
    """How many images the case shows, read from the prefetched studies: it sizes the grid."""
    return sum(len(study.images.all()) for study in case.studies.all())


def _figures(case, session) -> list:
    """The step's images, numbered as figures_of numbers them, each with what the viewer needs
    to open it large: renditions addressed by the image's key, and neutral words only."""
    figures = [image for study in case.studies.all() for image in study.images.all()]
    for number, image in enumerate(figures, 1):
        shown = number == session.figure
        frame = session.frame - 1 if shown else 0
        preset = session.preset if shown and session.preset in image.preset_names else "file"
        image.figure = number
        image.viewer_frame, image.viewer_preset = frame + 1, preset
        image.viewer_src = image.rendition_url("display", frame, preset)
        image.viewer_srcset = image.srcset(frame, preset)
        image.pattern = rendition_pattern(image)
        image.sizes = srcset_sizes(image)
        image.frames = max(image.frame_count, 1)
        image.windows = [(name, PRESET_LABELS.get(name, name)) for name in image.preset_names]
    return figures


def _viewed(figures: list, session) -> dict | None:
    """The image the room sees large, for the presenter's line about it."""
    if not session.figure or session.figure > len(figures):
        return None
    image = figures[session.figure - 1]
    return {
        "number": session.figure,
        "count": len(figures),
        "frame": image.viewer_frame,
        "frames": image.frames,
        "window": dict(image.windows).get(image.viewer_preset, ""),
    }


def _taps(question, counted) -> dict:
    width, height = question.image.width or 1, question.image.height or 1
    cx, cy, r = regions.circle_in_pixels(question.region, width=width, height=height)
    points = [(x * width, y * height, correct) for x, y, correct in counted.points]
    dot = max(width, height) * 0.012
    return {
        "width": width,
        "height": height,
        "cx": cx,
        "cy": cy,
        "r": r,
        "points": points,
        "dot": dot,
    }


def _annotate(case) -> None:
    """Give each image its drawn annotations, shown after the reveal when A turns them on."""
    for study in case.studies.all():
        for image in study.images.all():
            shapes = overlay_shapes(image) if image.annotations else []
            image.overlay = {"shapes": shapes, "scale": overlay_scale(image)} if shapes else None


def live_present(request: HttpRequest, code: str) -> HttpResponse:
    session, refused = _hosted_or_refuse(request, code)
    if refused:
        return refused
    return render(request, "live/present.html", _screen(request, session))


def live_presenter(request: HttpRequest, code: str) -> HttpResponse:
    session, refused = _hosted_or_refuse(request, code)
    if refused:
        return refused
    context = _screen(request, session)
    question = context["question"] or question_of(session, session.position)
    context["presenter_question"] = question
    context["presenter_tally"] = tally(question) if question else None
    later = [i for i in context["steps"] if i.position > session.position]
    context["next_item"] = later[0] if later else None
    context["next_page"] = session.shown_page + 1 if session.shown_page < session.pages else None
    context["viewed"] = _viewed(context.get("figures") or [], session)
    return render(request, "live/presenter.html", context)


def _place(session) -> dict:
    """What the windows share: the place, the screen of its text, the blank screen."""
    return {
        "version": session.version,
        "position": session.position,
        "stage": session.stage,
        "page": session.shown_page,
        "pages": session.pages,
        "blank": session.blank,
        "open": session.open_question,
        "figure": session.figure,
        "frame": session.frame,
        "preset": session.preset,
    }


def _state_etag(session) -> str:
    return f'"v{session.version}-a{session.answers}"'


def live_state(request: HttpRequest, code: str) -> HttpResponse:
    """The place and the answer count as JSON; 304 while neither has changed (one query)."""
    session = state_of(code)
    if session is None:
        return JsonResponse({"error": _("There is no live session with that code.")}, status=404)
    etag = _state_etag(session)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse({**_place(session), "answers": session.answers})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def live_go(request: HttpRequest, code: str) -> HttpResponse:
    session, refused = _hosted_or_refuse(request, code)
    if refused:
        return refused
    action = request.POST.get("action", "")
    applied = True
    try:
        number = int(request.POST.get("number") or 0)
        if action == "pages":
            version = int(request.POST.get("version") or 0)
            session, applied = live_session_measure(session=session, pages=number, version=version)
        elif action == "view":
            session = live_session_view(session=session, figure=number or None)
        elif action == "turn":
            session = live_session_turn(session=session, by=number)
        elif action == "look":
            frame = int(request.POST.get("frame") or 1)
            preset = request.POST.get("preset", "")
            session, applied = live_session_look(
                session=session, figure=number, frame=frame, preset=preset
            )
        else:
            session = live_session_go(session=session, action=action, number=number)
    except ValueError:
        return _refuse(request, _("The projector cannot do that."), 400)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({**_place(session), "applied": applied})
    view = "live:presenter" if request.POST.get("from") == "presenter" else "live:present"
    return redirect(view, session.code)


def live_join(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()
    if not code:
        return render(request, "live/join.html")
    if state_of(code) is None:
        message = _("There is no live session with the code %(code)s.") % {"code": code[:12]}
        return render(request, "live/join.html", {"error": message, "code": code}, status=404)
    return redirect("live:phone", code)


def live_short(request: HttpRequest, code: str) -> HttpResponse:
    return redirect("live:phone", code.upper())


def _phone_context(request: HttpRequest, session, form=None) -> dict:
    attempt = attempt_for(services.attempts_of(request), session.quiz)
    question = question_of(session, session.open_question) if session.open_question else None
    answered = attempt.answers.filter(question=question).exists() if attempt and question else False
    context = {"session": session, "question": question, "answered": answered, "kinds": Kind}
    if question is not None and not answered:
        context["form"] = form or answer_form_for(question)
        context["where_width"] = display_width(question.image)
        context["where_height"] = display_height(question.image)
    return context


def live_phone(request: HttpRequest, code: str) -> HttpResponse:
    session = session_or_404(code)
    if session.code != code:
        return redirect("live:phone", session.code)
    return render(request, "live/phone.html", _phone_context(request, session))


@require_POST
def live_answer(request: HttpRequest, code: str) -> HttpResponse:
    session = session_or_404(code)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return _refuse(request, _("The answer did not say which question it is for."), 400)
    if session.open_question != position:
        return _refuse(request, _("This question is closed: answers are no longer taken."), 409)
    question = question_of(session, position)
    if question is None:
        raise Http404(_("This session has no such question."))
    form = answer_form_for(question, request.POST)
    if not form.is_valid():
        context = _phone_context(request, session, form)
        return render(request, "live/phone.html", context, status=400)
    attempt = services.attempt_start(request=request, quiz=session.quiz, feedback="each")
    given = services.Given(
        confidence=form.cleaned_data["confidence"],
        number=form.cleaned_data.get("choice"),
        text=form.cleaned_data.get("text") or "",
        point=form.cleaned_data.get("point"),
    )
    try:
        _answer, new = services.answer_submit(attempt=attempt, question=question, given=given)
    except services.AnswerRefused as refused:
        # A phone's last answer finishes its attempt, so a double tap there is refused as
        # "finished"; it is a repeat all the same, and the first answer stands.
        repeat = str(refused) == "finished" and attempt.answers.filter(question=question).exists()
        if not repeat:
            status = 409 if str(refused) in ("finished", "withdrawn") else 400
            return _refuse(request, REFUSALS[str(refused)], status)
        new = False
    if not new:
        messages.info(request, _("You had already answered; your first answer counts."))
    return redirect("live:phone", session.code)


def live_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The join address as a QR code, drawn here by segno: nothing loads from the internet."""
    session = session_or_404(code)
    svg = io.BytesIO()
    segno.make(_join_url(request, session), error="m").save(
        svg, kind="svg", scale=8, dark="#000", light="#fff", border=2, xmldecl=False
    )
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


def _reader(answer, numbers: dict) -> str:
    user = answer.user
    learner = getattr(user, "learner", None) if user else None
    if user is not None and learner is not None and learner.shows_name_to_teachers:
        return user.get_full_name() or user.get_username()
    number = numbers.setdefault(answer.attempt_id, len(numbers) + 1)
    return _("Participant %(n)d") % {"n": number}


def live_results_csv(request: HttpRequest, code: str) -> HttpResponse:
    session, refused = _hosted_or_refuse(request, code)
    if refused:
        return refused
    numbers: dict[int, int] = {}
    header = [
        _("participant"),
        _("question"),
        _("kind"),
        _("correct answer"),
        _("answer given"),
        _("correct"),
        _("confidence"),
        _("answered at"),
    ]
    rows = (
        [
            _reader(answer, numbers),
            answer.question.position,
            answer.question.get_kind_display(),
            answer.question.answer_name,
            answer.question.given_label(answer) or answer.choice,
            _("yes") if answer.correct else _("no"),
            answer.get_confidence_display(),
            answer.answered_at.isoformat(timespec="seconds"),
        ]
        for answer in results_of(session)
    )
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="session-{session.code}.csv"'
    return response
