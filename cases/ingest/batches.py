"""Uploads from the admin: staged by the request, read by a task.

A request only stores what the author sent and queues the work (`upload_batch_create`), so
no upload depends on the web server's timeout or holds a worker's memory; the task
(`batch_ingest`) runs `ingest_prepare` and `ingest_commit` on the staged files, records each
file's result on the batch and deletes the staged files, whatever happens.

The staging area is `uploads/<batch folder>/` in the default storage, so in the bucket when
media are in object storage: the request that stages and the worker that imports may run on
different machines, and both reach the bucket. The files there are as the author sent them,
before de-identification, and are never served (only Image keys are). A folder outlives its
batch only when a process was killed; `uploads_stale` finds those.
"""

import logging
import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cases.models import Study, UploadBatch
from cases.tasks import ingest_batch

from .commit import ingest_commit
from .prepare import ingest_prepare
from .storage import file_write, folder_delete, local_path, modified_times
from .uploads import REJECTED, FileResult, StoredUpload, Upload, upload_opened

logger = logging.getLogger(__name__)

STAGING = "uploads"


def upload_batch_create(
    *, study: Study, files: Iterable[Upload], decided: Iterable[FileResult] = (), by=None
) -> UploadBatch:
    """Stage `files` and queue their ingest; `decided` are results the request already knows.

    The uploads are copied in chunks and closed here, so no spooled copy outlives the request.
    """
    files = list(files)
    folder = f"{STAGING}/{uuid.uuid4().hex}"
    try:
        staged = [_stage(upload, folder, index) for index, upload in enumerate(files)]
        with transaction.atomic():
            batch = UploadBatch.objects.create(
                study=study,
                created_by=by if by is not None and by.is_authenticated else None,
                staging=folder,
                files=staged,
                results=[result.as_dict() for result in decided],
                state=UploadBatch.State.PENDING if staged else UploadBatch.State.DONE,
            )
            if staged:
                transaction.on_commit(lambda: ingest_batch.enqueue(batch.pk))
    except BaseException:
        folder_delete(folder)
        raise
    finally:
        for upload in files:
            close = getattr(upload, "close", None)
            if close is not None:
                close()
    if not staged:
        folder_delete(folder)
    return batch


def _stage(upload: Upload, folder: str, index: int) -> dict:
    staged = f"{index:05d}"
    # file_write: a file under its final name is always whole, in a folder or a bucket.
    with upload_opened(upload) as handle:
        file_write(f"{folder}/{staged}", handle)
    return {"name": str(upload.name), "staged": staged}


def batch_ingest(batch_id: int) -> None:
    """Task body: import a batch's staged files, record the results, delete the files."""
    claimed = UploadBatch.objects.filter(pk=batch_id, state=UploadBatch.State.PENDING).update(
        state=UploadBatch.State.PROCESSING, started_at=timezone.now()
    )
    if not claimed:
        return  # already taken by another worker, or finished
    batch = UploadBatch.objects.select_related("study__case").get(pk=batch_id)
    results, state = list(batch.results), UploadBatch.State.FAILED
    try:
        staged = [
            StoredUpload(item["name"], f"{batch.staging}/{item['staged']}") for item in batch.files
        ]
        if not all(default_storage.exists(upload.stored) for upload in staged):
            reason = "the uploaded files were removed before they were processed; upload again"
            results += [FileResult(upload.name, REJECTED, reason).as_dict() for upload in staged]
        else:
            with ingest_prepare(case=batch.study.case, files=staged) as plan:
                ingest_commit(plan=plan, study=batch.study)
            results += [result.as_dict() for result in plan.results]
            state = UploadBatch.State.DONE
    except Exception as exc:
        # The class name only: messages from parsers can quote header values.
        logger.warning("upload batch %s failed: %s", batch_id, type(exc).__name__)
        reason = "the import failed; upload the files again"
        results += [FileResult(item["name"], REJECTED, reason).as_dict() for item in batch.files]
    finally:
        folder_delete(batch.staging)
        UploadBatch.objects.filter(pk=batch_id).update(state=state, results=results)


def uploads_stale(*, older_than: timedelta) -> list[str]:
    """Staging folders (storage names) last written more than `older_than` ago: left by a
    killed process, since a finished batch deletes its own. Delete them with folder_delete."""
    cutoff = timezone.now() - older_than
    newest: dict[str, datetime] = {}
    for path, when in modified_times(STAGING).items():
        folder = "/".join(path.split("/")[:2])
        newest[folder] = max(when, newest.get(folder, when))
    root = local_path(STAGING)
    if root is not None and os.path.isdir(root):
        # An empty folder has no file to date it (and a bucket has no empty folders).
        for name in os.listdir(root):
            folder = f"{STAGING}/{name}"
            if folder not in newest and os.path.isdir(os.path.join(root, name)):
                mtime = os.path.getmtime(os.path.join(root, name))
                newest[folder] = datetime.fromtimestamp(mtime, UTC)
    return sorted(folder for folder, when in newest.items() if when < cutoff)
