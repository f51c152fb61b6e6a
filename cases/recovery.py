"""Recovery of images left "processing" by a render that never finished.

With the database queue a worker can die mid-render (killed, out of memory, redeployed), and
an upload request can die between its commit and the enqueue; either way the image stays
"processing" for ever, against the rule that an image ends ready, held or failed with its
reason. `images_recover_stuck` closes that gap and is safe to run from cron.

Decisions:

- Image has no `updated_at`, and adding one would need a migration. The files are the
  timestamp instead: a live render writes a WebP every few frames, and the upload wrote the
  source DICOM, so an image's last activity is the newest modification time among its own
  files (`dicom/<key>/…` and `renditions/<key>/…`). Only images whose last activity is older
  than `older_than` are looked at, so a render in progress is never touched.
- The django_tasks_db result rows then say why it stalled. A queued render (READY) means the
  image is only waiting for a worker: left alone, since failing it would be wrong and
  queueing it again would render it twice. No row for its current pixels (a row queued
  before its newest source was written is of pixels since released or replaced) and no
  rendition written means the enqueue itself was lost: the image is queued again, which
  renders it to ready. Anything else
  (a RUNNING row whose worker stopped writing, a FAILED row, or the immediate backend, which
  keeps no rows) means a render started and died: the image is marked failed with a reason.
- A render that died is not retried: the likeliest killer is memory on a huge stack, which
  would kill the next worker too and loop on every cron run. The author sees the reason in
  the admin and can add the files again.
- Every write is conditional on the image still being "processing": a slow render that does
  finish after all wins, and its ready or failed state is kept.
"""

import contextlib
import logging
import os
import posixpath
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cases.dicom.derivatives import DERIVATIVE_SIDES
from cases.dicom.errors import RejectedFile
from cases.ingest import rendition_ensure, rendition_path, rendition_paths
from cases.ingest.batches import uploads_stale
from cases.ingest.storage import files_delete, folder_delete, local_path, modified_times
from cases.models import Image, SourceFile, UploadBatch
from cases.tasks import render_image, render_images

logger = logging.getLogger(__name__)

INTERRUPTED = "rendering was interrupted before it finished; add the files again"


def images_recover_stuck(*, older_than: timedelta) -> list[int]:
    """Fail or re-queue images stuck in "processing"; returns the ids of the images changed."""
    cutoff = timezone.now() - older_than
    stale = [
        image
        for image in Image.objects.filter(pixels=Image.Pixels.PROCESSING).order_by("pk")
        if _is_idle_since(image, cutoff)
    ]
    if not stale:
        return []
    statuses = _render_statuses(stale)
    queue_keeps_rows = isinstance(render_images.get_backend(), DatabaseBackend)
    changed: list[int] = []
    for image in stale:
        seen = statuses.get(image.pk, set())
        if TaskResultStatus.READY in seen:
            logger.warning("image %s has waited over %s for a render worker", image.pk, older_than)
            continue
        if queue_keeps_rows and not seen and not rendition_paths(image):
            render_images.enqueue([image.pk])
            logger.warning("image %s was never queued for rendering: queued again", image.pk)
            changed.append(image.pk)
            continue
        updated = Image.objects.filter(pk=image.pk, pixels=Image.Pixels.PROCESSING).update(
            pixels=Image.Pixels.FAILED, pixels_reason=INTERRUPTED
        )
        if updated:
            logger.warning("image %s: render interrupted, marked failed", image.pk)
            changed.append(image.pk)
    return changed


def _is_idle_since(image: Image, cutoff: datetime) -> bool:
    """Whether none of the image's files has been written since `cutoff`."""
    times = [*modified_times(f"dicom/{image.key}").values()]
    times += modified_times(f"renditions/{image.key}").values()
    return not times or max(times) < cutoff


def _render_statuses(images: list[Image]) -> dict[int, set[str]]:
    """Statuses of every stored render task of each image's current pixels.

    A task enqueued before the image's newest source was written rendered pixels it has
    since lost (to a release, or new files): that it succeeded says nothing of the current
    render. The sources are written before their commit and the task is queued after it.
    """
    since = {image.pk: _newest_source_time(image) for image in images}
    statuses: dict[int, set[str]] = {}
    rows = DBTaskResult.objects.filter(
        task_path__in=[render_image.module_path, render_images.module_path]
    ).values_list("status", "args_kwargs", "enqueued_at")
    for status, args_kwargs, enqueued_at in rows.iterator():
        for image_id in _task_image_ids(args_kwargs) & since.keys():
            if since[image_id] is None or enqueued_at >= since[image_id]:
                statuses.setdefault(image_id, set()).add(status)
    return statuses


def _newest_source_time(image: Image) -> datetime | None:
    times = [
        default_storage.get_modified_time(name)
        for name in image.sources.values_list("file", flat=True)
        if default_storage.exists(name)
    ]
    return max(times, default=None)


def _task_image_ids(args_kwargs: dict) -> set[int]:
    """Image ids a render task was given: `render_image(id)` or `render_images([ids])`."""
    args = list((args_kwargs or {}).get("args") or [])
    args += list(((args_kwargs or {}).get("kwargs") or {}).values())
    ids: set[int] = set()
    for arg in args:
        for value in arg if isinstance(arg, list) else [arg]:
            if isinstance(value, int):
                ids.add(value)
    return ids


# Reconciliation of rows and files (`manage.py reconcile_media`).
#
# A process killed inside a commit or a release leaves complete files that no row points to,
# and a write killed midway leaves its temporary file; a file deleted by hand leaves a row
# pointing at nothing. Decisions:
#
# - A file is an orphan when no SourceFile row points at it (under dicom/), or, under
#   renditions/, when no image has its key, its name is not a derivative's (a temporary
#   leftover), its frame is beyond the image's frames, or it is older than the image's newest
#   source: a derivative of pixels since replaced, left by a process killed between the
#   commit and the deletion of the old files. It would still be served, with the text a
#   release blanked, so it goes; a current derivative is rendered again on demand.
# - A file younger than the grace period is never touched: an import or a release in
#   progress writes its files before its rows commit.
# - A source whose file is gone fails its image with a reason; an image that has already
#   failed is left as it is, so that a second run is quiet. A missing derivative of a ready
#   image is not a fault (derivatives are rendered on first request); with --fix the eager
#   ones are rendered again.

MISSING_SOURCE = "a source file is missing from storage; add the files again"


@dataclass
class MediaReport:
    """What `media_reconcile` found, and with `fix`, what it repaired."""

    orphans: list[str] = field(default_factory=list)
    missing_sources: dict[int, list[str]] = field(default_factory=dict)
    missing_renditions: dict[int, list[str]] = field(default_factory=dict)
    # Staging folders of uploads (raw, not yet de-identified) that no live batch will read.
    stale_uploads: list[str] = field(default_factory=list)
    # Batches whose import started and never finished: the worker died.
    stuck_batches: list[int] = field(default_factory=list)
    fixed: bool = False

    @property
    def problems(self) -> int:
        """Faults found; missing derivatives are not faults."""
        return (
            len(self.orphans)
            + len(self.missing_sources)
            + len(self.stale_uploads)
            + len(self.stuck_batches)
        )


def media_reconcile(*, older_than: timedelta, fix: bool = False) -> MediaReport:
    """Compare the media files with the rows; with `fix`, delete orphans and fail images."""
    cutoff = timezone.now() - older_than
    images = {
        str(image.key): image
        for image in Image.objects.only("pk", "key", "pixels", "frame_count").iterator()
    }
    by_image: dict[int, list[str]] = {}
    for image_id, name in SourceFile.objects.values_list("image_id", "file").iterator():
        by_image.setdefault(image_id, []).append(name)
    referenced = {name for names in by_image.values() for name in names}
    modified = _all_media()
    newest_source: dict[int, datetime] = {}
    for image_id, names in by_image.items():
        times = [modified[name] for name in names if name in modified]
        if times:
            newest_source[image_id] = max(times)

    report = MediaReport()
    for path, when in sorted(modified.items()):
        if when >= cutoff:
            continue
        if path.startswith("dicom/"):
            orphan = path not in referenced
        else:
            orphan = _rendition_is_orphan(path, when, images, newest_source)
        if orphan:
            report.orphans.append(path)
    for image in sorted(images.values(), key=lambda image: image.pk):
        if image.pixels == Image.Pixels.FAILED:
            continue
        missing = [name for name in by_image.get(image.pk, []) if name not in modified]
        if missing:
            report.missing_sources[image.pk] = missing
        elif image.pixels == Image.Pixels.READY:
            expected = [rendition_path(image, 0, "thumb")] + [
                rendition_path(image, frame, "display") for frame in range(image.frame_count)
            ]
            absent = [path for path in expected if path not in modified]
            if absent:
                report.missing_renditions[image.pk] = absent
    _check_uploads(report, older_than)
    if fix:
        _repair(report, images, cutoff)
    return report


def _check_uploads(report: MediaReport, older_than: timedelta) -> None:
    """Staging folders nobody will read, and batches whose import died midway.

    A batch still waiting for a worker keeps its folder, however old: the queue will reach it.
    A batch a worker took more than `older_than` ago and never finished lost its worker
    (imports of one batch take seconds to minutes), so it is failed; its staged files go with
    it. An unfinished batch's folder is its own business, never a stale one.
    """
    cutoff = timezone.now() - older_than
    unfinished = UploadBatch.objects.filter(
        state__in=[UploadBatch.State.PENDING, UploadBatch.State.PROCESSING]
    )
    waiting = set(unfinished.values_list("staging", flat=True))
    stuck = UploadBatch.objects.filter(state=UploadBatch.State.PROCESSING, started_at__lt=cutoff)
    report.stuck_batches = sorted(stuck.values_list("pk", flat=True))
    for folder in uploads_stale(older_than=older_than):
        if folder not in waiting:
            report.stale_uploads.append(folder)


def _all_media() -> dict[str, datetime]:
    """Every source and derivative with its modification time: from a bucket, one LIST."""
    return modified_times("dicom") | modified_times("renditions")


def _rendition_is_orphan(
    path: str, when: datetime, images: dict[str, Image], newest_source: dict[int, datetime]
) -> bool:
    parts = path.split("/")
    image = images.get(parts[1]) if len(parts) == 4 else None
    if image is None or not parts[2].isdigit() or int(parts[2]) >= image.frame_count:
        return True
    variant, _dot, extension = parts[3].partition(".")
    size = variant.partition("-")[0]
    if extension != "webp" or size not in DERIVATIVE_SIDES:
        return True
    return image.pk in newest_source and when < newest_source[image.pk]


def _repair(report: MediaReport, images: dict[str, Image], cutoff: datetime) -> None:
    # Rows committed since the listing may point at a file found orphaned: keep those.
    now_referenced = set(
        SourceFile.objects.filter(file__in=report.orphans).values_list("file", flat=True)
    )
    report.orphans = [path for path in report.orphans if path not in now_referenced]
    files_delete(report.orphans)
    if report.stuck_batches:
        UploadBatch.objects.filter(
            pk__in=report.stuck_batches, state=UploadBatch.State.PROCESSING
        ).update(state=UploadBatch.State.FAILED)
        logger.warning("upload batches %s: import interrupted, failed", report.stuck_batches)
    stuck_folders = set(
        UploadBatch.objects.filter(pk__in=report.stuck_batches).values_list("staging", flat=True)
    )
    for folder in sorted(set(report.stale_uploads) | stuck_folders):
        folder_delete(folder)
    _prune_empty_folders(cutoff, emptied={posixpath.dirname(path) for path in report.orphans})
    for image_id, missing in report.missing_sources.items():
        updated = (
            Image.objects.filter(pk=image_id, sources__file__in=missing)
            .exclude(pixels=Image.Pixels.FAILED)
            .update(pixels=Image.Pixels.FAILED, pixels_reason=MISSING_SOURCE)
        )
        if updated:
            logger.warning("image %s: a source file is missing, marked failed", image_id)
    by_pk = {image.pk: image for image in images.values()}
    for image_id, paths in report.missing_renditions.items():
        for path in paths:
            frame, variant = path.split("/")[2:4]
            try:
                rendition_ensure(by_pk[image_id], int(frame), variant.partition(".")[0], None)
            except RejectedFile:
                break  # its first request answers 404 as well; nothing more to do here
    report.fixed = True


def _prune_empty_folders(cutoff: datetime, *, emptied: set[str]) -> None:
    """Remove folders that deletions left empty; an object store has no folders to remove."""
    if local_path("dicom") is None:
        return
    roots = [local_path(top) for top in ("dicom", "renditions")]
    emptied_paths = {local_path(folder) for folder in emptied}
    for root in roots:
        for folder, _folders, _files in os.walk(root, topdown=False):
            if folder == root or os.listdir(folder):
                continue
            # A young empty folder may be one an import has just made for its files.
            if folder in emptied_paths or os.path.getmtime(folder) < cutoff.timestamp():
                with contextlib.suppress(OSError):  # filled meanwhile
                    os.rmdir(folder)
                    emptied_paths.add(os.path.dirname(folder))
