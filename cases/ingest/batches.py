"""Uploads from the admin: staged by the request, read by a task.

A request only stores what the author sent and queues the work (`upload_batch_create`), so
no upload depends on the web server's timeout or holds a worker's memory; the task
(`batch_ingest`) runs `ingest_prepare` and `ingest_commit` on the staged files, records each
file's result on the batch and deletes the staged files, whatever happens.

The staging area is `uploads/<batch folder>/` under MEDIA_ROOT: the files there are as the
author sent them, before de-identification, and are never served (only Image keys are).
A folder outlives its batch only when a process was killed; `uploads_stale` finds those.
"""

import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cases.models import Study, UploadBatch
from cases.tasks import ingest_batch

from .commit import ingest_commit
from .prepare import ingest_prepare
from .uploads import REJECTED, FileResult, PathUpload, Upload, file_copy

logger = logging.getLogger(__name__)

STAGING = "uploads"


def staging_root() -> Path:
    return Path(default_storage.path(STAGING))


def upload_batch_create(
    *, study: Study, files: Iterable[Upload], decided: Iterable[FileResult] = (), by=None
) -> UploadBatch:
    """Stage `files` and queue their ingest; `decided` are results the request already knows.

    The uploads are copied in chunks and closed here, so no spooled copy outlives the request.
    """
    files = list(files)
    folder = f"{STAGING}/{uuid.uuid4().hex}"
    directory = Path(default_storage.path(folder))
    directory.mkdir(parents=True)
    try:
        staged = [_stage(upload, directory, index) for index, upload in enumerate(files)]
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
        shutil.rmtree(directory, ignore_errors=True)
        raise
    finally:
        for upload in files:
            close = getattr(upload, "close", None)
            if close is not None:
                close()
    if not staged:
        shutil.rmtree(directory, ignore_errors=True)
    return batch


def _stage(upload: Upload, directory: Path, index: int) -> dict:
    final = directory / f"{index:05d}"
    # A temporary name in the same folder, then os.replace: a file under its final name is
    # always whole.
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".", suffix=".part", delete=False)
    try:
        with handle:
            file_copy(upload, handle)
        os.replace(handle.name, final)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return {"name": str(upload.name), "staged": final.name}


def batch_ingest(batch_id: int) -> None:
    """Task body: import a batch's staged files, record the results, delete the files."""
    claimed = UploadBatch.objects.filter(pk=batch_id, state=UploadBatch.State.PENDING).update(
        state=UploadBatch.State.PROCESSING, started_at=timezone.now()
    )
    if not claimed:
        return  # already taken by another worker, or finished
    batch = UploadBatch.objects.select_related("study__case").get(pk=batch_id)
    directory = Path(default_storage.path(batch.staging))
    results, state = list(batch.results), UploadBatch.State.FAILED
    try:
        staged = [PathUpload(item["name"], directory / item["staged"]) for item in batch.files]
        if not all(upload.path.is_file() for upload in staged):
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
        shutil.rmtree(directory, ignore_errors=True)
        UploadBatch.objects.filter(pk=batch_id).update(state=state, results=results)


def uploads_stale(*, older_than: timedelta) -> list[Path]:
    """Staging folders last written more than `older_than` ago: left by a killed process,
    since a finished batch deletes its own. Delete them with shutil.rmtree."""
    root = staging_root()
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    return sorted(path for path in root.iterdir() if path.stat().st_mtime < cutoff)
