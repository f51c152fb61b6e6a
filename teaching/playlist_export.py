"""A playlist as the plain data the slide deck and the handout are made from.

Blind first: everything before a case's answer slide (history, images with their neutral
captions, the question and its choices) never names the diagnosis; the full captions, the
findings, the discussion and the teaching points come after it.
"""

import random

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from cases.dicom.errors import RejectedFile
from cases.ingest import rendition_ensure

from .lib.pptx_export import Slide, png_of
from .models import Playlist, PlaylistItem


def _shows(item: PlaylistItem, stage: str) -> bool:
    return not item.stages or stage in item.stages


def _images(case) -> list:
    return [image for study in case.studies.all() for image in study.images.all() if image.is_ready]


def _caption(image, *, full: bool) -> str:
    text = image.caption if full else image.neutral_caption
    return f"{image.panel}. {text}" if image.panel else text


def _png(image) -> bytes | None:
    try:
        path = rendition_ensure(image, 0, "display", None)
        with default_storage.open(path, "rb") as handle:
            return png_of(handle.read())
    except (RejectedFile, OSError, ValueError):
        return None


def _choices(item: PlaylistItem) -> list[str]:
    """The names offered, shuffled the same way every time for the same case."""
    case = item.case
    if item.question == PlaylistItem.Ask.DIAGNOSIS:
        names = {case.diagnosis.name, *(entity.name for entity in case.differential.all())}
    elif item.question == PlaylistItem.Ask.MECHANISM:
        names = {case.diagnosis.mechanism.name}
        names |= {entity.mechanism.name for entity in case.differential.all()}
    else:
        return []
    ordered = sorted(names)
    random.Random(case.code).shuffle(ordered)
    return ordered


def _question(item: PlaylistItem) -> str:
    return {
        PlaylistItem.Ask.DIAGNOSIS: _("What is the diagnosis?"),
        PlaylistItem.Ask.MECHANISM: _("What is the mechanism of calcification?"),
        PlaylistItem.Ask.WHERE: _("Where is it?"),
    }.get(item.question, "")


def _history(case) -> list[str]:
    sex_age = _("%(sex)s, %(age)s years") % {"sex": case.get_sex_display(), "age": case.age}
    return [sex_age, case.history]


def _findings(case) -> list[str]:
    return [
        f"{study.description}: {study.findings}" for study in case.studies.all() if study.findings
    ]


def _case_slides(number: int, item: PlaylistItem) -> list[Slide]:
    case, label = item.case, _("Case %(number)s") % {"number": number}
    slides = []
    if _shows(item, "history"):
        slides.append(Slide(title=label, lines=_history(case), notes=item.notes))
    if _shows(item, "images"):
        for image in _images(case):
            png = _png(image)
            if png:
                slides.append(Slide(title=label, image=png, caption=_caption(image, full=False)))
    if item.question != PlaylistItem.Ask.NONE:
        slides.append(Slide(title=f"{label}: {_question(item)}", lines=_choices(item)))
    answer = [case.diagnosis.name, case.diagnosis.mechanism.name]
    slides.append(Slide(title=f"{label}: {_('Answer')}", lines=answer))
    if _shows(item, "findings") and _findings(case):
        slides.append(Slide(title=f"{label}: {_('Findings')}", lines=_findings(case)))
    if _shows(item, "discussion") and (case.discussion or case.teaching_point_list):
        lines = ([case.discussion] if case.discussion else []) + case.teaching_point_list
        slides.append(Slide(title=f"{label}: {_('Teaching points')}", lines=lines))
    return slides


def _steps(playlist: Playlist):
    """Each step with its case number; a draft case is left out, as on the atlas's pages."""
    number = 0
    for item in playlist.items.all():
        if item.is_slide:
            yield None, item
        elif item.case.is_published:
            number += 1
            yield number, item


def deck_of(playlist: Playlist) -> list[Slide]:
    slides = [Slide(title=playlist.title, lines=[playlist.description], section=True)]
    for number, item in _steps(playlist):
        if number is None:
            slides.append(
                Slide(title=item.title, lines=[item.text], notes=item.notes, section=True)
            )
        else:
            slides.extend(_case_slides(number, item))
    return slides


def handout_of(playlist: Playlist) -> dict:
    """The handout's two parts: the unknowns in order, then the answers."""
    unknowns, answers = [], []
    for number, item in _steps(playlist):
        if number is None:
            unknowns.append({"slide": item})
            continue
        case = item.case
        unknowns.append(
            {
                "number": number,
                "item": item,
                "history": _history(case) if _shows(item, "history") else [],
                "images": [(image, _caption(image, full=False)) for image in _images(case)]
                if _shows(item, "images")
                else [],
                "question": _question(item),
                "choices": _choices(item),
            }
        )
        answers.append(
            {
                "number": number,
                "case": case,
                "captions": [_caption(image, full=True) for image in _images(case)],
                "findings": _findings(case) if _shows(item, "findings") else [],
                "discussion": case.discussion if _shows(item, "discussion") else "",
                "points": case.teaching_point_list if _shows(item, "discussion") else [],
            }
        )
    return {"unknowns": unknowns, "answers": answers}
