"""The differential-diagnosis API: the vocabulary of findings, and a ranking for a set of them.

Both answer JSON, outside the language prefix. Names come in the request's language: ``?lang=es``
or else the Accept-Language header; English by default. Unknown finding codes are reported in
``ignored``, never refused; contradictory answers are ranked and reported in ``conflicts``.
Retired codes (split into more precise findings) are listed by ``findings`` under ``retired``;
``rank`` reads them as their parts and reports them in ``mapped``.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from atlas.lib.i18n import current_language

from .knowledge import KnowledgeBaseError
from .presenters import MAX_ANSWERS, MAX_LIMIT, SHOWN, differential
from .snapshot import knowledge_snapshot

LANGUAGES = ("en", "es")


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _language(request: HttpRequest) -> str | None:
    asked = request.GET.get("lang")
    if asked is not None:
        return asked if asked in LANGUAGES else None
    # Outside the language prefix, LocaleMiddleware has activated the Accept-Language choice.
    return current_language()


@require_GET
def findings(request: HttpRequest) -> JsonResponse:
    """Every question and its findings, with labels in both languages."""
    try:
        kb = knowledge_snapshot().kb
    except KnowledgeBaseError as error:
        return _error("The knowledge base is unavailable: " + "; ".join(error.problems), 503)
    groups = [
        {
            "id": group.id,
            "label": {"en": group.label.en, "es": group.label.es},
            "questions": [
                {
                    "id": question.id,
                    "kind": question.kind,
                    "text": {"en": question.text.en, "es": question.text.es},
                    "findings": [
                        {"code": f.code, "label": {"en": f.label.en, "es": f.label.es}}
                        for f in question.findings
                    ],
                }
                for question in group.questions
            ],
        }
        for group in kb.groups
    ]
    retired = [
        {
            "code": r.code,
            "into": list(r.into),
            "why": {"en": r.why.en, "es": r.why.es} if r.why else None,
        }
        for r in kb.retired
    ]
    return _json({"groups": groups, "codes": list(kb.findings), "retired": retired})


@require_GET
def rank(request: HttpRequest) -> JsonResponse:
    """The ranked differential for ``f=CODE&f=CODE…``; ``limit`` entities (10 by default)."""
    lang = _language(request)
    if lang is None:
        return _error(f"lang must be one of {', '.join(LANGUAGES)}.")
    raw_limit = request.GET.get("limit", str(SHOWN))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        return _error(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    codes = request.GET.getlist("f")
    if len(set(codes)) > MAX_ANSWERS:
        return _error(f"Too many findings ({len(set(codes))}); at most {MAX_ANSWERS}.")
    try:
        snapshot = knowledge_snapshot()
    except KnowledgeBaseError as error:
        return _error("The knowledge base is unavailable: " + "; ".join(error.problems), 503)
    with translation.override(lang):
        ddx = differential(
            snapshot, codes, lang, limit=int(raw_limit), with_cases=False, with_svg=False
        )
    nodes = snapshot.kb.nodes
    return _json(
        {
            "language": lang,
            "score_meaning": ddx.score_meaning,
            "answers": [code for code, _label in ddx.answers],
            "results": [
                {
                    "entity": entry.slug,
                    "name": entry.name,
                    "mechanism": snapshot.kb.entity_by_slug[entry.slug].mechanism,
                    "score": round(entry.score, 6),
                    "url": request.build_absolute_uri(entry.url),
                    "reasons": [
                        {
                            "finding": reason.code,
                            "label": reason.label,
                            "lr": reason.lr,
                            "direction": "raises" if reason.raised else "lowers",
                            "why": reason.why,
                        }
                        for reason in entry.reasons
                    ],
                }
                for entry in ddx.entries
            ],
            "ignored": ddx.ignored,
            "mapped": [{"code": m.code, "into": m.into, "why": m.why or None} for m in ddx.mapped],
            "conflicts": [
                {"findings": list(conflict.codes), "why": conflict.why}
                for conflict in ddx.conflicts
            ],
            "next_question": (
                {
                    "id": ddx.next_question.id,
                    "text": ddx.next_question.text,
                    "group": ddx.next_question.group,
                }
                if ddx.next_question
                else None
            ),
            "path": [node_id for node_id, _label in ddx.path],
            "path_complete": not nodes[ddx.path[-1][0]].children,
            "total": ddx.total,
        }
    )
