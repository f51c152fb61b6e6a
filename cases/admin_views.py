"""Admin pages that are not a model form: the review of an image held for burned-in text."""

from django import forms
from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .ingest import image_release
from .models import Image

MAX_RECTANGLES = 5
SIDES = ("x", "y", "w", "h")


class BlankRectanglesForm(forms.Form):
    """Up to five rectangles in source pixels; the script fills these from what is dragged."""

    def __init__(self, *args, image: Image, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.image = image
        for n in range(1, MAX_RECTANGLES + 1):
            for side in SIDES:
                limit = (image.width if side in ("x", "w") else image.height) or 1
                self.fields[f"{side}{n}"] = forms.IntegerField(
                    required=False,
                    min_value=0 if side in ("x", "y") else 1,
                    max_value=limit,
                    label=f"{side} {n}",
                )

    def rows(self) -> list[list]:
        return [[self[f"{side}{n}"] for side in SIDES] for n in range(1, MAX_RECTANGLES + 1)]

    def clean(self) -> dict:
        data = super().clean()
        rectangles = []
        for n in range(1, MAX_RECTANGLES + 1):
            values = [data.get(f"{side}{n}") for side in SIDES]
            if all(value is None for value in values):
                continue
            if any(value is None for value in values):
                raise ValidationError(
                    _("Rectangle %(n)d needs all four numbers: x, y, width and height.") % {"n": n}
                )
            rectangles.append(tuple(values))
        data["rectangles"] = rectangles
        return data


def image_review(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("cases.change_image"):
        raise PermissionDenied
    image = get_object_or_404(Image.objects.select_related("study__case"), pk=pk)
    form = BlankRectanglesForm(request.POST or None, image=image)
    status = 200
    if request.method == "POST" and image.pixels != Image.Pixels.HELD:
        form.add_error(None, _("This image is not held for review; there is nothing to release."))
        status = 400
    elif request.method == "POST" and form.is_valid():
        try:
            image_release(image=image, rectangles=form.cleaned_data["rectangles"])
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            messages.success(request, _("The image is released with the chosen areas blanked."))
            return redirect(reverse("admin:cases_image_change", args=[image.pk]))
    elif request.method == "POST":
        status = 400
    context = {
        **site.each_context(request),
        "title": _("Review burned-in text"),
        "image": image,
        "form": form,
        "opts": Image._meta,
        "image_url": image.rendition_url("display") if image.width else "",
    }
    return render(request, "admin/cases/image/review.html", context, status=status)
