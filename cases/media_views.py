"""Image media: WebP derivatives for readers, de-identified DICOM for staff.

Everything goes through these views so that permission is checked on every request: a draft's
images and every original stay private however their address leaks. Anything a user may not
see answers 404, so an address does not even confirm that an image exists.

With media in object storage the bytes are streamed through these views too, never handed
over as a redirect to a signed URL: a signed URL stays valid for its whole lifetime whatever
happens to the case meanwhile (unpublished, an image held), a browser can pass it on, and the
strict CSP allows images from this site only. Streaming keeps one rule for both storages:
every byte of a draft, a held image or a source is sent after a permission check made for
that request, and a published derivative keeps its ETag and 304s.
"""

import contextlib
import uuid

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from cases.dicom.derivatives import DERIVATIVE_SIDES
from cases.dicom.errors import RejectedFile

from .ingest import rendition_ensure, rendition_path
from .ingest.storage import StoredStream, stored_stream
from .models import Image
from .permissions import sees_unreleased_images

# The only content types this view ever sends, by extension.
CONTENT_TYPES = {"webp": "image/webp", "dcm": "application/dicom"}
SANDBOX_CSP = "default-src 'none'; sandbox"
# Published derivatives may be stored by browsers and shared caches, but never reused without
# asking here first: a max-age would let a hospital proxy serve an unpublished case's images.
PUBLIC_CACHE = "public, no-cache"


def rendition(request: HttpRequest, key: uuid.UUID, frame: int, variant: str) -> FileResponse:
    image = _get_image_or_404(request, key)
    size, dash, preset = variant.partition("-")
    if size not in DERIVATIVE_SIDES or (dash and preset not in image.preset_names[1:]):
        raise Http404("No such variant.")
    if not 0 <= frame < image.frame_count or image.pixels == Image.Pixels.FAILED:
        raise Http404("No such frame.")
    stored = _rendition_stream(image, frame, size, preset)
    if not (image.is_ready and image.study.case.is_published):
        return _file_response(stored, "webp")
    # Public, but every reuse is checked here first: a case returned to draft answers 404 at
    # once, even from a shared cache, and an unchanged image costs a 304 with no body.
    modified = stored.modified
    etag = f'"{image.key.hex}-{frame}-{variant}-{int(modified.timestamp())}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(modified.timestamp())
    )
    if not_modified is not None:
        stored.handle.close()
    response = not_modified or _file_response(stored, "webp")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = PUBLIC_CACHE
    return response


def source(request: HttpRequest, key: uuid.UUID, order: int) -> FileResponse:
    if not sees_unreleased_images(request.user):
        raise Http404("No such file.")
    image = _get_image_or_404(request, key)
    source_file = get_object_or_404(image.sources, order=order)
    try:
        stored = stored_stream(source_file.file.name)
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = _file_response(stored, "dcm")
    response["Content-Disposition"] = f'attachment; filename="{image.key}-{order}.dcm"'
    return response


def _get_image_or_404(request: HttpRequest, key: uuid.UUID) -> Image:
    image = Image.objects.select_related("study__case").filter(key=key).first()
    if image is None or not image.is_visible_to(request.user):
        raise Http404("No such image.")
    return image


def _rendition_stream(image: Image, frame: int, size: str, preset: str) -> StoredStream:
    """The derivative opened for reading, rendered first if nobody has asked for it before.

    Opened before anything else is asked of the storage: from a bucket, a derivative that
    exists costs one GET, which also gives its time for the ETag.
    """
    path = rendition_path(image, frame, f"{size}-{preset}" if preset else size)
    with contextlib.suppress(FileNotFoundError):
        return stored_stream(path)
    try:
        rendition_ensure(image, frame, size, preset or None)
        return stored_stream(path)
    except (RejectedFile, FileNotFoundError):
        raise Http404("This frame cannot be rendered.") from None


def _file_response(stored: StoredStream, extension: str) -> FileResponse:
    response = FileResponse(stored.handle, content_type=CONTENT_TYPES[extension])
    if stored.size is not None:
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    return response
