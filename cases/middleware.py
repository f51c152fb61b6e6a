"""Refuse oversized uploads before their body is read, with a page that says why."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _


class UploadLimitMiddleware:
    """413 for a body over ATLAS_MAX_UPLOAD_MB; 400 with a message for too many files.

    It sits last in MIDDLEWARE, so it runs before any view or CSRF check reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        limit_mb = settings.ATLAS_MAX_UPLOAD_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            message = _("upload too large: %(size)d MB (limit %(limit)d MB)") % {
                "size": length // (1024 * 1024),
                "limit": limit_mb,
            }
            return _refusal(request, message, 413)
        if request.content_type == "multipart/form-data":
            # Parse here rather than in the CSRF check, where these errors become a bare 400.
            try:
                request.POST  # noqa: B018
            except TooManyFilesSent:
                limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
                message = _("too many files in one upload (limit %(limit)d)") % {"limit": limit}
                return _refusal(request, message, 400)
            except RequestDataTooBig:
                return _refusal(request, _("upload too large: the form fields are too big"), 413)
            except MultiPartParserError:
                return _refusal(request, _("the upload was damaged in transit; try again"), 400)
        return self.get_response(request)


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "cases/upload_refused.html", {"message": message}, status=status)
