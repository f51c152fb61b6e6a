"""The differential-diagnosis wizard: one question group per step, the state in the query string.

Answers travel as ``f=CODE`` (repeated), the step as ``step=<group key>`` or ``step=results``.
The form names each question's inputs ``q-<question key>`` so radio buttons stay per question;
a submitted form is redirected to the canonical ``f=`` address, which is what a reader
bookmarks or shares. With JavaScript the ranking is refreshed from ``wizard:results``, the same
templates rendered alone, and the address is kept up to date as answers change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlas.lib.i18n import current_language
from cases.models import Case

from .knowledge import KnowledgeBase, KnowledgeBaseError
from .presenters import MAX_ANSWERS, Differential, answer_label, differential, split_answers
from .selectors import case_findings
from .snapshot import RESULTS_STEP, Snapshot, knowledge_snapshot

FIELD_PREFIX = "q-"


@dataclass
class WizardQuery:
    """What a wizard address asks for; ``canonical`` is set when it should be redirected."""

    codes: list[str]
    step: str
    errors: list[str]
    canonical: str | None = None


def parse_wizard_query(params: QueryDict, kb: KnowledgeBase) -> WizardQuery:
    given = params.getlist("f") + [
        value for key in params if key.startswith(FIELD_PREFIX) for value in params.getlist(key)
    ]
    known, unknown = split_answers(kb, given)
    errors = []
    if len(known) + len(unknown) > MAX_ANSWERS:
        errors.append(
            _("Too many answers (%(count)d); the wizard takes at most %(most)d.")
            % {"count": len(known) + len(unknown), "most": MAX_ANSWERS}
        )
        known, unknown = [], []
    steps = [g.id for g in kb.groups] + [RESULTS_STEP]
    step = params.get("step") or steps[0]
    if step not in steps:
        errors.append(_("There is no step called “%(step)s”.") % {"step": step[:60]})
        step = steps[0]
    query = WizardQuery(codes=known + unknown, step=step, errors=errors)
    untidy = any(key.startswith(FIELD_PREFIX) for key in params) or "" in params.getlist("f")
    if untidy and not errors:
        query.canonical = wizard_query_string(query.codes, step)
    return query


def wizard_query_string(codes: list[str], step: str | None = None) -> str:
    pairs = [("f", code) for code in codes]
    if step:
        pairs.append(("step", step))
    return urlencode(pairs)


def _knowledge_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 503 with the reason, rather than fail, when no knowledge base can be served."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except KnowledgeBaseError as error:
            context = {"unavailable": True, "problems": error.problems}
            return render(request, "wizard/wizard.html", context, status=503)

    return wrapped


@dataclass
class StepView:
    key: str
    label: str
    number: int
    url: str
    answered: int
    current: bool


@dataclass
class OptionView:
    code: str
    label: str
    checked: bool


@dataclass
class QuestionView:
    id: str
    text: str
    single: bool
    options: list[OptionView]
    is_next: bool
    conflicting: bool
    nothing_checked: bool

    @property
    def field(self) -> str:
        return FIELD_PREFIX + self.id

    @property
    def options_html(self) -> str:
        """The answers' labelled inputs. Made here rather than in a template loop because a
        step of a large knowledge base holds several hundred answers, and the template
        engine spent about 30 ms on them (bench/wizard_bench.py)."""
        kind = "radio" if self.single else "checkbox"
        # html.escape over plain strings: format_html_join's conditional_escape per value
        # cost half of a large step's time.
        name = escape(self.field)
        return mark_safe(
            "\n".join(
                f'<label class="option"><input type="{kind}" name="{name}" '
                f'value="{escape(o.code)}"{" checked" if o.checked else ""}> '
                f"{escape(o.label)}</label>"
                for o in self.options
            )
        )


def _steps(kb: KnowledgeBase, known: list[str], current: str, lang: str) -> list[StepView]:
    answered: dict[str, set[str]] = {}
    for code in known:
        finding = kb.findings[code]
        group = kb.question_by_id[finding.question].group
        answered.setdefault(group, set()).add(finding.question)
    keys = [(g.id, g.label.get(lang)) for g in kb.groups]
    keys.append((RESULTS_STEP, _("Differential")))
    base = reverse("wizard:wizard")
    return [
        StepView(
            key=key,
            label=label,
            number=number,
            url=f"{base}?{wizard_query_string(known, key)}",
            answered=len(answered.get(key, ())),
            current=key == current,
        )
        for number, (key, label) in enumerate(keys, start=1)
    ]


def _questions(kb: KnowledgeBase, group_key: str, known: set[str], ddx: Differential, lang: str):
    group = next(g for g in kb.groups if g.id == group_key)
    next_id = ddx.next_question.id if ddx.next_question else None
    questions = []
    for question in group.questions:
        checked = [code for code in question.codes if code in known]
        options = [
            # A single-choice question shows one answer; two given answers are a conflict.
            OptionView(
                f.code,
                f.label.get(lang),
                f.code == checked[0] if question.single and checked else f.code in known,
            )
            for f in question.findings
        ]
        questions.append(
            QuestionView(
                id=question.id,
                text=question.text.get(lang),
                single=question.single,
                options=options,
                is_next=question.id == next_id,
                conflicting=question.single and len(checked) > 1,
                nothing_checked=not checked,
            )
        )
    return group, questions


def _status(ddx: Differential) -> str:
    leaders = ", ".join(f"{e.name} {e.percent}" for e in ddx.entries[:3])
    return _("Differential updated. Leading: %(leaders)s.") % {"leaders": leaders}


def _results_context(snapshot: Snapshot, query: WizardQuery, lang: str) -> dict:
    ddx = differential(snapshot, query.codes, lang)
    in_step = ddx.next_question is not None and ddx.next_question.group == query.step
    return {
        "ddx": ddx,
        "step": query.step,
        "next_in_step": in_step,
        "has_form": query.step != RESULTS_STEP,
        "status": _status(ddx),
        "stale": snapshot.problems,
        "wizard_url": reverse("wizard:wizard"),
        "answers_query": wizard_query_string([c for c, _label in ddx.answers]),
    }


@_knowledge_required
def wizard(request: HttpRequest) -> HttpResponse:
    snapshot = knowledge_snapshot()
    query = parse_wizard_query(request.GET, snapshot.kb)
    if query.canonical is not None:
        return redirect(f"{request.path}?{query.canonical}")
    lang = current_language()
    context = _results_context(snapshot, query, lang)
    context.update(_page_context(snapshot.kb, query, context["ddx"], lang))
    return render(request, "wizard/wizard.html", context, status=400 if query.errors else 200)


def _page_context(kb: KnowledgeBase, query: WizardQuery, ddx: Differential, lang: str) -> dict:
    known = [code for code, _label in ddx.answers]
    steps = _steps(kb, known, query.step, lang)
    position = next(i for i, s in enumerate(steps) if s.current)
    context = {
        "errors": query.errors,
        "steps": steps,
        "step_number": position + 1,
        "step_count": len(steps),
        "previous": steps[position - 1] if position > 0 else None,
        "following": steps[position + 1] if position + 1 < len(steps) else None,
    }
    if query.step == RESULTS_STEP:
        context["summary"] = _summary(kb, known, steps, lang)
        return context
    group, questions = _questions(kb, query.step, set(known), ddx, lang)
    codes_here = {code for q in group.questions for code in q.codes}
    context.update(
        {
            "group_label": group.label.get(lang),
            "questions": questions,
            "hidden": [code for code in known if code not in codes_here],
        }
    )
    return context


def _summary(kb: KnowledgeBase, known: list[str], steps: list[StepView], lang: str) -> list:
    """Each step with the answers given in it, for the last page."""
    by_group: dict[str, list[str]] = {}
    for code in known:
        group = kb.question_by_id[kb.findings[code].question].group
        by_group.setdefault(group, []).append(answer_label(kb, code, lang))
    return [(step, by_group.get(step.key, [])) for step in steps if step.key != RESULTS_STEP]


@_knowledge_required
def wizard_results(request: HttpRequest) -> HttpResponse:
    """The results region alone, for the page's script to swap in as answers change."""
    snapshot = knowledge_snapshot()
    query = parse_wizard_query(request.GET, snapshot.kb)
    context = _results_context(snapshot, query, current_language())
    status = 400 if query.errors else 200
    response = render(request, "wizard/_fragment.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def wizard_from_case(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the wizard with a case's recorded findings, saying which of them were assumed."""
    case = Case.objects.visible_to(request.user).at_address(slug).first()
    if case is None:
        raise Http404(_("No published case has this address."))
    found = case_findings(case)
    if not found:
        messages.info(request, _("No findings are recorded for this case yet."))
        return redirect("wizard:wizard")
    assumed = [code for code, is_assumed in found if is_assumed]
    text = ngettext(
        "Pre-filled with the %(count)d finding recorded for “%(case)s”.",
        "Pre-filled with the %(count)d findings recorded for “%(case)s”.",
        len(found),
    ) % {"count": len(found), "case": case.title}
    if assumed:
        try:
            kb = knowledge_snapshot().kb
            labels = [
                answer_label(kb, code, current_language())
                for code in assumed
                if code in kb.findings
            ]
        except KnowledgeBaseError:
            labels = assumed
        text += " " + _("Assumed, as the source does not state them: %(findings)s.") % {
            "findings": ", ".join(labels)
        }
    messages.info(request, text)
    query = wizard_query_string([code for code, _assumed in found], RESULTS_STEP)
    return redirect(f"{reverse('wizard:wizard')}?{query}")
