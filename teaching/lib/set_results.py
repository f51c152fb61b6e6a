"""A curated set's results, from its answers: per question and per resident. No ORM here.

The selector reads the answers once, oldest first, and hands them over as plain rows; these
functions count. A resident is named only if they agreed (Learner.shows_name_to_teachers);
everyone else, anonymous players included, is "Anonymous resident N", numbered in the order
of their first answer to the set, so a number keeps meaning the same reader as answers come in.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

DIAGNOSIS = "diagnosis"
KIND_ORDER = ["diagnosis", "mechanism", "where", "glossary"]

# Confidence on a 1-to-3 scale, for a mean that reads "guessing" to "certain".
CONFIDENCE_SCORE = {"guessing": 1, "fairly-sure": 2, "certain": 3}
CERTAIN = "certain"


@dataclass(frozen=True)
class AnswerRow:
    """One answer to a question of the set, as the selector read it."""

    reader: tuple[str, object]  # ("user", id) or ("player", session token)
    name: str  # the reader's name if they agreed to show it, otherwise ""
    case_id: int | None  # None once the case is deleted
    kind: str
    choice: str
    correct: bool
    confidence: str


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class ChoiceShare:
    key: str
    label: str
    count: int
    of: int
    is_right: bool

    @property
    def percent(self) -> int | None:
        return _percent(self.count, self.of)


@dataclass
class QuestionFigures:
    """One case of the set asked as one kind of question, over every quiz of the set."""

    case: object | None  # the Case, or None for a case since deleted
    kind: str
    kind_label: str = ""  # the kind's name in the reader's language, given by the selector
    in_set: bool = True
    answers: int = 0
    right: int = 0
    certain: int = 0
    readers: set = field(default_factory=set)
    chosen: dict[str, int] = field(default_factory=dict)
    right_keys: set[str] = field(default_factory=set)
    choices: list[ChoiceShare] = field(default_factory=list)

    @property
    def residents(self) -> int:
        return len(self.readers)

    @property
    def percent_right(self) -> int | None:
        return _percent(self.right, self.answers)

    @property
    def percent_certain(self) -> int | None:
        return _percent(self.certain, self.answers)

    def add(self, row: AnswerRow) -> None:
        self.answers += 1
        self.right += row.correct
        self.certain += row.confidence == CERTAIN
        self.readers.add(row.reader)
        if self.kind == DIAGNOSIS:
            self.chosen[row.choice] = self.chosen.get(row.choice, 0) + 1
            if row.correct:
                self.right_keys.add(row.choice)


@dataclass
class ResidentFigures:
    reader: tuple[str, object]
    name: str
    number: int | None = None  # set for the anonymous
    answered: int = 0
    right: int = 0
    confidence_total: int = 0

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return gettext("Anonymous resident %(number)s") % {"number": self.number}

    @property
    def percent_right(self) -> int | None:
        return _percent(self.right, self.answered)

    @property
    def mean_confidence(self) -> float | None:
        return round(self.confidence_total / self.answered, 1) if self.answered else None

    def add(self, row: AnswerRow) -> None:
        self.answered += 1
        self.right += row.correct
        self.confidence_total += CONFIDENCE_SCORE.get(row.confidence, 0)


@dataclass
class SetResults:
    questions: list[QuestionFigures]
    residents: list[ResidentFigures]

    @property
    def answers(self) -> int:
        return sum(resident.answered for resident in self.residents)


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def per_resident(rows: list[AnswerRow]) -> list[ResidentFigures]:
    """One line per reader, in the order of their first answer (rows come oldest first)."""
    residents: dict[tuple, ResidentFigures] = {}
    anonymous = 0
    for row in rows:
        resident = residents.get(row.reader)
        if resident is None:
            resident = residents[row.reader] = ResidentFigures(reader=row.reader, name=row.name)
            if not row.name:
                anonymous += 1
                resident.number = anonymous
        resident.add(row)
    return list(residents.values())


def per_question(
    rows: list[AnswerRow], cases: list, in_set: set[int], labels: dict[str, str]
) -> list[QuestionFigures]:
    """One line per case and kind asked: the set's cases in the set's order (each at least
    once, answered or not), then cases since taken out of it, then cases since deleted.
    `labels` names the keys chosen in diagnosis questions."""
    by_id = {case.pk: case for case in cases}
    groups: dict[tuple, QuestionFigures] = {}
    first_seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        key = (row.case_id, row.kind)
        if key not in groups:
            case = by_id.get(row.case_id)
            groups[key] = QuestionFigures(case=case, kind=row.kind, in_set=row.case_id in in_set)
            first_seen[key] = index
        groups[key].add(row)

    ordered: list[QuestionFigures] = []
    for case in cases:
        if case.pk not in in_set:
            continue
        asked = sorted((g for (pk, _), g in groups.items() if pk == case.pk), key=_rank)
        ordered += asked or [QuestionFigures(case=case, kind="")]
    rest = [key for key in groups if key[0] not in in_set]
    # Taken out of the set but still in the atlas, then deleted; each in order of first answer.
    rest.sort(key=lambda key: (key[0] is None, first_seen[key]))
    ordered += [groups[key] for key in rest]

    for group in ordered:
        group.choices = [
            ChoiceShare(
                key=key,
                label=_choice_label(key, labels),
                count=count,
                of=group.answers,
                is_right=key in group.right_keys,
            )
            for key, count in sorted(group.chosen.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return ordered


def _rank(group: QuestionFigures) -> int:
    return _kind_rank(group.kind)


def _choice_label(key: str, labels: dict[str, str]) -> str:
    if not key:
        return gettext("A typed answer that matched no entity")
    return labels.get(key, key)


def set_results(
    rows: list[AnswerRow], cases: list, in_set: set[int], labels: dict[str, str]
) -> SetResults:
    return SetResults(
        questions=per_question(rows, cases, in_set, labels), residents=per_resident(rows)
    )


def _blank(value) -> object:
    return "" if value is None else value


def results_table(results: SetResults) -> list[list]:
    """The results as spreadsheet rows: the questions, an empty row, then the residents."""
    rows: list[list] = [
        [
            gettext("Case"),
            gettext("Public code"),
            gettext("Kind of question"),
            gettext("Residents"),
            gettext("Answers"),
            gettext("Per cent right"),
            gettext("Per cent certain"),
            gettext("Answers chosen"),
        ]
    ]
    for question in results.questions:
        case = question.case
        rows.append(
            [
                case.title if case else gettext("A case since deleted"),
                case.code if case else "",
                question.kind_label,
                question.residents,
                question.answers,
                _blank(question.percent_right),
                _blank(question.percent_certain),
                "; ".join(f"{choice.label} {choice.percent}%" for choice in question.choices),
            ]
        )
    rows.append([])
    rows.append(
        [
            gettext("Resident"),
            gettext("Answered"),
            gettext("Right"),
            gettext("Per cent right"),
            gettext("Mean confidence (1 to 3)"),
        ]
    )
    for resident in results.residents:
        rows.append(
            [
                resident.label,
                resident.answered,
                resident.right,
                _blank(resident.percent_right),
                _blank(resident.mean_confidence),
            ]
        )
    return rows
