"""The progress page: how the reader is doing, and what is due for review."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import progress as selectors
from .lib import charts


def progress(request: HttpRequest) -> HttpResponse:
    """The reader's accuracy over time, by mechanism and entity, their calibration and
    mistakes; for a signed-in reader, the cases due for review too."""
    answers = selectors.answers_of(request)
    totals = selectors.answer_totals(answers)
    context = {"totals": totals, "reviews": None}
    if totals.score.total:
        topics = selectors.accuracy_by_topic(answers)
        context |= {
            "weeks": _weeks(
                selectors.accuracy_by_week(
                    answers, first=totals.first_answered, last=totals.last_answered
                )
            ),
            "mechanisms": topics.mechanisms,
            "entities": topics.entities,
            "more_entities": topics.more_entities,
            "wrong_cases": selectors.wrong_cases(answers),
        }
        context["charts"] = _charts(context, totals)
    if request.user.is_authenticated:
        context["reviews"] = selectors.reviews_of(request.user)
    return render(request, "teaching/progress.html", context)


def _weeks(rows) -> list[selectors.Group]:
    return [
        selectors.Group(date_format(monday, "j M"), score, date_format(monday, "DATE_FORMAT"))
        for monday, score in rows
    ]


def score_text(score: selectors.Score) -> str:
    """ "75% of 12", or "no answers"."""
    if not score.total:
        return _("no answers")
    return _("%(percent)s%% of %(total)s") % {"percent": score.percent, "total": score.total}


def _bars(groups) -> list[charts.Bar]:
    return [charts.Bar(g.label, g.score.share, score_text(g.score)) for g in groups]


def _weeks_description(weeks: list[selectors.Group]) -> str:
    if len(weeks) == 1:
        return _("Share of right answers in the week of %(first)s.") % {"first": weeks[0].key}
    return _(
        "Share of right answers in each of the %(count)s weeks from the week of %(first)s to "
        "the week of %(last)s."
    ) % {"count": len(weeks), "first": weeks[0].key, "last": weeks[-1].key}


def _charts(context: dict, totals: selectors.Totals) -> dict:
    weeks = context["weeks"]
    return {
        "weeks": charts.columns_over_time(
            columns=_bars(weeks),
            chart_id="chart-weeks",
            title=_("Accuracy over time"),
            description=_weeks_description(weeks),
            scale=(_("0%"), _("50%"), _("100%")),
        ),
        "mechanisms": charts.horizontal_bars(
            bars=_bars(context["mechanisms"]),
            chart_id="chart-mechanisms",
            title=_("Accuracy by mechanism"),
            description=_("Share of right answers for each mechanism of calcification."),
        ),
        "entities": charts.horizontal_bars(
            bars=_bars(context["entities"]),
            chart_id="chart-entities",
            title=_("Accuracy by entity"),
            description=_("Share of right answers for each entity, the weakest first."),
        ),
        "calibration": charts.horizontal_bars(
            bars=_bars(totals.calibration),
            chart_id="chart-calibration",
            title=_("Calibration"),
            description=_("How often an answer was right at each level of confidence."),
        ),
    }
