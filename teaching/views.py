from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.selectors import case_facets

from . import services
from .forms import AnswerForm, QuizBuildForm, StartForm
from .lib import regions
from .models import Attempt, CuratedSet, Feedback, Kind, Quiz
from .selectors import answer_shares, attempt_for, attempt_summary, next_open_position, question_at

REFUSALS = {
    "choice": _("There is no answer with that number."),
    "point": _("Tap or click the lesion on the image."),
    "empty": _("Choose an answer first."),
    "finished": _("This quiz is finished: answers can no longer be changed or added."),
    "withdrawn": _("This case has been withdrawn from the atlas; the question is skipped."),
    "quiz": _("That question belongs to another quiz."),
}


def _quiz_or_404(code: str) -> Quiz:
    return get_object_or_404(Quiz, code=code)


def _home_context(request: HttpRequest, form: QuizBuildForm) -> dict:
    due = 0
    if request.user.is_authenticated:
        due = services.due_cases(request.user).count()
    sets = CuratedSet.objects.filter(entries__case__status=Case.Status.PUBLISHED).distinct()
    recent = services.attempts_of(request).select_related("quiz")[:5]
    chosen = form.filters() if form.is_bound and form.is_valid() else {}
    facets = case_facets(chosen, diagnoses=False)
    return {"form": form, "due": due, "sets": sets, "recent": recent, "facets": facets}


def quiz_home(request: HttpRequest) -> HttpResponse:
    form = QuizBuildForm(initial={"source": Quiz.Source.FILTERS})
    return render(request, "teaching/home.html", _home_context(request, form))


def _build(request: HttpRequest, form: QuizBuildForm) -> Quiz:
    data = form.cleaned_data
    source, kinds, user = data["source"], data["kinds"], request.user
    if source == Quiz.Source.DUE:
        if not user.is_authenticated:
            raise services.NoCases(_("Sign in to review the cases that are due."))
        return services.quiz_from_due(user=user, count=data["count"], kinds=kinds)
    if source == Quiz.Source.SET:
        curated = CuratedSet.objects.filter(code=data["set"]).first()
        if curated is None:
            raise services.NoCases(_("There is no curated set with that code."))
        return services.quiz_from_set(curated_set=curated, kinds=kinds, created_by=user)
    return services.quiz_from_filters(
        filters=form.filters(), count=data["count"], kinds=kinds, created_by=user
    )


@require_POST
def quiz_new(request: HttpRequest) -> HttpResponse:
    form = QuizBuildForm(request.POST)
    if form.is_valid():
        try:
            quiz = _build(request, form)
        except services.NoCases as empty:
            form.add_error(None, str(empty) or _("No published case matches; widen the filters."))
        else:
            services.attempt_start(
                request=request, quiz=quiz, feedback=form.cleaned_data["feedback"]
            )
            return redirect("teaching:question", quiz.code, 1)
    return render(request, "teaching/home.html", _home_context(request, form), status=400)


def quiz_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A shared quiz's address: the reader's own attempt, or an offer to start one."""
    quiz = _quiz_or_404(code)
    attempt = attempt_for(services.attempts_of(request), quiz)
    if attempt is not None:
        return _onwards(attempt)
    context = {"quiz": quiz, "count": quiz.questions.count(), "form": StartForm()}
    return render(request, "teaching/start.html", context)


@require_POST
def quiz_start(request: HttpRequest, code: str) -> HttpResponse:
    quiz = _quiz_or_404(code)
    form = StartForm(request.POST)
    if not form.is_valid():
        context = {"quiz": quiz, "count": quiz.questions.count(), "form": form}
        return render(request, "teaching/start.html", context, status=400)
    attempt = services.attempt_start(
        request=request, quiz=quiz, feedback=form.cleaned_data["feedback"]
    )
    return _onwards(attempt)


def _onwards(attempt: Attempt) -> HttpResponse:
    position = None if attempt.is_finished else next_open_position(attempt)
    if position is None:
        return redirect("teaching:end", attempt.quiz.code)
    return redirect("teaching:question", attempt.quiz.code, position)


def _refuse(request: HttpRequest, message: str, status: int, quiz: Quiz | None = None):
    return render(
        request, "teaching/refused.html", {"message": message, "quiz": quiz}, status=status
    )


def _seconds_since_last(attempt: Attempt) -> int:
    last = attempt.answers.order_by("-answered_at").values_list("answered_at", flat=True).first()
    return int((timezone.now() - (last or attempt.started_at)).total_seconds())


def question(request: HttpRequest, code: str, position: int) -> HttpResponse:
    quiz = _quiz_or_404(code)
    attempt = attempt_for(services.attempts_of(request), quiz)
    if attempt is None:
        if request.method == "POST":
            message = _("This quiz is not yours to answer. Open its address to start your own.")
            return _refuse(request, message, 403, quiz)
        return redirect("teaching:quiz", quiz.code)
    item = question_at(quiz, position)
    if item is None:
        raise Http404(_("This quiz has no question %(n)d.") % {"n": position})
    answer = attempt.answers.filter(question=item).first()
    if request.method == "POST":
        return _answer(request, attempt, item, answer)
    if answer is None and not services.question_is_open(item):
        return _page(request, attempt, item, None, withdrawn=True)
    if answer is None and attempt.is_finished:
        return redirect("teaching:end", quiz.code)
    if answer is not None and attempt.feedback == Feedback.END and not attempt.is_finished:
        return _onwards(attempt)
    return _page(request, attempt, item, answer)


def answer_form_for(item, data=None) -> AnswerForm:
    image = item.image
    return AnswerForm(
        data,
        kind=item.kind,
        choices=len(item.choices),
        width=display_width(image),
        height=display_height(image),
    )


def _answer(request, attempt, item, answer) -> HttpResponse:
    if answer is not None:  # a second submit: the first answer stands
        messages.info(
            request, _("You had already answered this question; your first answer counts.")
        )
        return redirect("teaching:question", attempt.quiz.code, item.position)
    form = answer_form_for(item, request.POST)
    if not form.is_valid():
        return _page(request, attempt, item, None, form=form, status=400)
    given = services.Given(
        confidence=form.cleaned_data["confidence"],
        number=form.cleaned_data.get("choice"),
        text=form.cleaned_data.get("text") or "",
        point=form.cleaned_data.get("point"),
        seconds=_seconds_since_last(attempt),
    )
    try:
        services.answer_submit(attempt=attempt, question=item, given=given)
    except services.AnswerRefused as refused:
        status = 409 if str(refused) in ("finished", "withdrawn") else 400
        return _refuse(request, REFUSALS[str(refused)], status, attempt.quiz)
    if attempt.feedback == Feedback.END:
        return _onwards(attempt)
    return redirect("teaching:question", attempt.quiz.code, item.position)


# "Where is it?" images are drawn at this width at most, so a phone never needs to scale the
# image button (a scaled button would send its taps in the wrong pixels without JavaScript).
WHERE_WIDTH = 320


def display_width(image) -> int:
    if image is None or not image.width:
        return 0
    return min(image.width, WHERE_WIDTH)


def display_height(image) -> int:
    if image is None or not image.width or not image.height:
        return 0
    return round(image.height * display_width(image) / image.width)


def _page(request, attempt, item, answer, *, form=None, status=200, withdrawn=False):
    count = attempt.quiz.questions.count()
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": item,
        "count": count,
        "answer": answer,
        "withdrawn": withdrawn,
        "form": form or answer_form_for(item),
        "kinds": Kind,
        "next_position": item.position + 1 if item.position < count else None,
        "where_width": display_width(item.image),
        "where_height": display_height(item.image),
    }
    if answer is not None:
        context["readers"], context["shares"] = answer_shares(item, answer.choice)
        context["given"] = item.given_label(answer)
        if item.kind == Kind.WHERE:
            context["overlay"] = _where_overlay(item, answer)
    return render(request, "teaching/question.html", context, status=status)


def _where_overlay(item, answer) -> dict:
    """The key image with the author's circle and the reader's tap, once answered."""
    width, height = display_width(item.image), display_height(item.image)
    cx, cy, r = regions.circle_in_pixels(item.region, width=width, height=height)
    tap = (round((answer.x or 0) * width, 1), round((answer.y or 0) * height, 1))
    return {
        "width": width,
        "height": height,
        "cx": cx,
        "cy": cy,
        "r": r,
        "tx": tap[0],
        "ty": tap[1],
    }


def quiz_end(request: HttpRequest, code: str) -> HttpResponse:
    quiz = _quiz_or_404(code)
    attempt = attempt_for(services.attempts_of(request), quiz)
    if attempt is None:
        return redirect("teaching:quiz", quiz.code)
    if not attempt.is_finished:
        position = next_open_position(attempt)
        if position is not None:
            return redirect("teaching:question", quiz.code, position)
        services.attempt_finish(attempt=attempt)
        attempt.refresh_from_db()
    context = {"quiz": quiz, "attempt": attempt, "summary": attempt_summary(attempt)}
    return render(request, "teaching/end.html", context)


@require_POST
def quiz_finish(request: HttpRequest, code: str) -> HttpResponse:
    quiz = _quiz_or_404(code)
    attempt = attempt_for(services.attempts_of(request), quiz)
    if attempt is None:
        return _refuse(request, _("This quiz is not yours to finish."), 403, quiz)
    services.attempt_finish(attempt=attempt)
    return redirect("teaching:end", quiz.code)
