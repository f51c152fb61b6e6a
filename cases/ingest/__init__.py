"""Image ingest: uploads in, de-identified DICOM and WebP derivatives out.

The stages, in the order an upload meets them, one module each:

- `uploads`: what an upload is; the cheap checks a request can make (`uploads_check`); ZIP
  archives opened by streaming each member to an anonymous file, system clutter skipped.
- `batches`: an admin upload staged by the request and imported by a task
  (`upload_batch_create`, `batch_ingest`); leftovers of killed processes (`uploads_stale`).
- `prepare`: every file read, checked and de-identified one at a time (`ingest_prepare`);
  nothing the site serves is written.
- `commit`: rows and files written in one transaction whose files are deleted again if it
  fails (`ingest_commit`); rendering is queued once it has committed.
- `render`: the WebP derivatives, as a task after an import or a release, and on first
  request for the sizes and windows nobody has asked for yet (`rendition_ensure`).
- `release`: an image held for burned-in text blanked and sent down the render road again.
- `storage`: where an image's files live.

Nothing here logs or stores a value read from an upload's header before de-identification.
"""

import logging
import warnings

from .batches import batch_ingest, upload_batch_create, uploads_stale
from .commit import image_ingest, images_ingest, ingest_commit
from .prepare import IngestPlan, case_date_offset, case_uid_key, ingest_prepare
from .release import image_release
from .render import EAGER_SIZES, image_render, images_render, rendition_ensure
from .storage import media_paths, rendition_path, rendition_paths, source_path
from .uploads import (
    IMPORTED,
    REJECTED,
    SKIPPED,
    FileResult,
    MemoryUpload,
    PathUpload,
    Upload,
    uploads_check,
)

__all__ = [
    "EAGER_SIZES",
    "IMPORTED",
    "REJECTED",
    "SKIPPED",
    "FileResult",
    "IngestPlan",
    "MemoryUpload",
    "PathUpload",
    "Upload",
    "batch_ingest",
    "case_date_offset",
    "case_uid_key",
    "image_ingest",
    "image_release",
    "image_render",
    "images_ingest",
    "images_render",
    "ingest_commit",
    "ingest_prepare",
    "media_paths",
    "rendition_ensure",
    "rendition_path",
    "rendition_paths",
    "source_path",
    "upload_batch_create",
    "uploads_check",
    "uploads_stale",
]

# pydicom's warnings quote header values, and an upload's header identifies the patient until
# it has been de-identified: none of them may reach a log, or stderr that a server logs.
# Installed when this package is first imported (CasesConfig.ready() imports it), so before
# any upload can be parsed.
logging.getLogger("pydicom").addFilter(lambda record: False)
for _module in (r"pydicom(\.|$)", r"cases\.dicom\.", r"cases\.ingest(\.|$)"):
    warnings.filterwarnings("ignore", category=UserWarning, module=_module)
