"""The commit: a prepared upload written as rows and files in one transaction.

If the transaction fails, the files it wrote are deleted again; once it has committed, the
files of replaced pixels are deleted and the new images' rendering is queued as a task, so a
stack of hundreds of slices does not hold the request. A process killed inside the
transaction cannot clean up: its complete files (every write is atomic) stay behind with no
row, as orphans that `manage.py reconcile_media --fix` deletes.
"""

import uuid
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from cases.dicom import render
from cases.dicom.derivatives import DERIVATIVE_SIDES, fitted_size
from cases.models import Image, SourceFile, Study
from cases.tasks import render_images

from .prepare import IngestPlan, Part, ingest_prepare
from .storage import file_write, files_delete, media_paths, source_path
from .uploads import IMPORTED, REJECTED, FileResult, Upload


def images_ingest(
    *,
    study: Study,
    files: Iterable[Upload],
    on_file: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Import uploads as new images of `study`: one per series, multi-frame file or picture."""
    with ingest_prepare(case=study.case, files=files, on_file=on_file) as plan:
        ingest_commit(plan=plan, study=study)
    return plan.results


def image_ingest(
    *, image: Image, files: Iterable[Upload], synthetic: bool = False
) -> list[FileResult]:
    """Give an existing image its pixels; the files must form exactly one image.

    `synthetic` is for generated illustrations only (the demo content): a file that states
    BurnedInAnnotation NO is then taken at its word, whatever its Image Type says.
    """
    with ingest_prepare(case=image.study.case, files=files, synthetic=synthetic) as plan:
        if len(plan.groups) > 1:
            reason = f"the files form {len(plan.groups)} images; one was expected"
            for result in plan.results:
                if result.status == IMPORTED:
                    result.status, result.reason = REJECTED, reason
            plan.groups = []
        ingest_commit(plan=plan, study=image.study, image=image)
    return plan.results


def ingest_commit(*, plan: IngestPlan, study: Study, image: Image | None = None) -> list[Image]:
    """Write the plan's images and files in one transaction, then queue their rendering."""
    if not plan.groups:
        return []
    saved: list[str] = []
    replaced: list[str] = []
    images: list[Image] = []
    try:
        with transaction.atomic():
            next_order = (study.images.aggregate(top=Max("order"))["top"] or 0) + 1
            for index, group in enumerate(plan.groups):
                if image is not None:
                    target = Image.objects.select_for_update().get(pk=image.pk)
                    replaced = media_paths(target)
                    target.sources.all().delete()
                else:
                    target = Image(study=study, order=next_order + index, **_undescribed())
                _fill(target, group)
                target.save()
                batch = uuid.uuid4().hex[:12]
                for order, part in enumerate(group):
                    path = file_write(source_path(target, order, batch), plan.spool.get(part.clean))
                    saved.append(path)
                    SourceFile.objects.create(
                        image=target, order=order, file=path, frames=part.frames
                    )
                    part.result.image_ids.append(target.pk)
                images.append(target)
    except BaseException:
        files_delete(saved)
        for part in (part for group in plan.groups for part in group):
            part.result.image_ids.clear()
        raise
    # After the block, so that a failing callback cannot reach the clean-up above and delete
    # the files the committed rows point to (as in `image_release`).
    ids = [img.pk for img in images]
    transaction.on_commit(lambda: replaced_delete_and_render(ids, replaced))
    for img in images:
        img.refresh_from_db()
    return images


def _undescribed() -> dict[str, str]:
    """Caption and alt text, in every language, of an image nobody has described yet.

    A new image needs both before the study form can be saved again; until the author writes
    them, they say plainly that nobody has.
    """
    fields = {}
    for language in AVAILABLE_LANGUAGES:
        with translation.override(language):
            fields[build_localized_fieldname("caption", language)] = gettext(
                "Not yet described by the author."
            )
            fields[build_localized_fieldname("alt_text", language)] = gettext(
                "Image not yet described by the author."
            )
    return fields


def _fill(image: Image, group: list[Part]) -> None:
    first = group[0].header
    image.modality = str(first.get("Modality", ""))[:16]
    image.frame_count = sum(part.frames for part in group)
    image.width, image.height = group[0].columns, group[0].rows
    center = render._first_value(first.get("WindowCenter"))
    width = render._first_value(first.get("WindowWidth"))
    image.window_center, image.window_width = center, width
    image.renditions = {
        name: fitted_size(image.width, image.height, side)[0]
        for name, side in DERIVATIVE_SIDES.items()
    }
    image.pixels = Image.Pixels.PROCESSING
    image.progress = 0
    reasons = [part.held_reason for part in group if part.held_reason]
    image.pixels_reason = reasons[0][:300] if reasons else ""


def replaced_delete_and_render(image_ids: list[int], replaced: list[str]) -> None:
    """After a commit: delete the files the rows no longer point to, then queue the render."""
    files_delete(replaced)
    if image_ids:
        render_images.enqueue(image_ids)
