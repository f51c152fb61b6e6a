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
  queueing it again would render it twice. No row at all and no rendition written means the
  enqueue itself was lost: the image is queued again, which renders it to ready. Anything else
  (a RUNNING row whose worker stopped writing, a FAILED row, or the immediate backend, which
  keeps no rows) means a render started and died: the image is marked failed with a reason.
- A render that died is not retried: the likeliest killer is memory on a huge stack, which
  would kill the next worker too and loop on every cron run. The author sees the reason in
  the admin and can add the files again.
- Every write is conditional on the image still being "processing": a slow render that does
  finish after all wins, and its ready or failed state is kept.
"""

import logging
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cases.ingest import media_paths, rendition_paths
from cases.models import Image
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
    statuses = _render_statuses({image.pk for image in stale})
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
    times = [default_storage.get_modified_time(path) for path in media_paths(image)]
    return not times or max(times) < cutoff


def _render_statuses(image_ids: set[int]) -> dict[int, set[str]]:
    """Statuses of every stored render task that mentions each of `image_ids`."""
    statuses: dict[int, set[str]] = {}
    rows = DBTaskResult.objects.filter(
        task_path__in=[render_image.module_path, render_images.module_path]
    ).values_list("status", "args_kwargs")
    for status, args_kwargs in rows.iterator():
        for image_id in _task_image_ids(args_kwargs) & image_ids:
            statuses.setdefault(image_id, set()).add(status)
    return statuses


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
