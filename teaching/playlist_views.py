"""The playlist pages: teachers build ordered cases and title slides for a case conference."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.lib.i18n import current_language, field_for, language_codes
from cases.models import Case

from .lib.pptx_export import deck_bytes
from .models import Playlist, PlaylistItem
from .permissions import is_teacher
from .playlist_export import deck_of, handout_of
from .playlist_forms import AddCaseForm, MoveForm, OrderForm, PlaylistForm, SlideForm, StepForm
from .playlist_selectors import playlist_with_steps, playlists_of, playlists_public
from .playlist_services import (
    PlaylistError,
    may_edit,
    may_view,
    playlist_create,
    playlist_delete,
    playlist_duplicate,
    playlist_item_add,
    playlist_item_move,
    playlist_item_remove,
    playlist_item_update,
    playlist_reorder,
    playlist_update,
)

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _refused(request: HttpRequest, message: str = "") -> HttpResponse:
    message = message or _(
        "Playlists are built by teachers. Ask an administrator to add you to the "
        "“Teachers” group if you teach."
    )
    return render(request, "teaching/teachers_only.html", {"message": message}, status=403)


def _bad(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "playlists/bad_request.html", {"message": message}, status=400)


def _viewable_or_404(request: HttpRequest, code: str) -> Playlist:
    playlist = playlist_with_steps(code)
    if playlist is None or not may_view(request.user, playlist):
        raise Http404(_("No such playlist."))
    return playlist


def _editable(request: HttpRequest, code: str) -> tuple[Playlist | None, HttpResponse | None]:
    """The playlist the teacher may edit, or the refusal to send instead."""
    if not is_teacher(request.user):
        return None, _refused(request)
    playlist = get_object_or_404(Playlist, code=code)
    if not may_edit(request.user, playlist):
        if may_view(request.user, playlist):
            return None, _refused(
                request, _("Only its teacher and those it is shared with edit it.")
            )
        raise Http404(_("No such playlist."))
    return playlist, None


def _item(playlist: Playlist, pk: int) -> PlaylistItem:
    return get_object_or_404(
        PlaylistItem.objects.select_related("playlist"), playlist=playlist, pk=pk
    )


def playlist_list(request: HttpRequest) -> HttpResponse:
    mine = list(playlists_of(request.user))
    public = [playlist for playlist in playlists_public() if playlist not in mine]
    context = {"mine": mine, "public": public, "teacher": is_teacher(request.user)}
    return render(request, "playlists/list.html", context)


@login_required
def playlist_new(request: HttpRequest) -> HttpResponse:
    if not is_teacher(request.user):
        return _refused(request)
    form = PlaylistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        playlist = playlist_create(
            owner=request.user,
            title=form.texts_of("title"),
            description=form.texts_of("description"),
            visibility=form.cleaned_data["visibility"],
        )
        return redirect("playlists:detail", playlist.code)
    return render(
        request, "playlists/form.html", {"form": form}, status=400 if form.errors else 200
    )


def playlist_detail(request: HttpRequest, code: str) -> HttpResponse:
    playlist = _viewable_or_404(request, code)
    editable = may_edit(request.user, playlist)
    steps = [
        (item, StepForm(initial=_initial(item), auto_id=f"step-{item.pk}-%s"))
        for item in playlist.items.all()
    ]
    context = {
        "playlist": playlist,
        "steps": steps,
        "editable": editable,
        "is_owner": editable
        and (request.user.is_superuser or playlist.owner_id == request.user.pk),
        "can_copy": is_teacher(request.user),
        "slide_form": SlideForm(auto_id="slide-%s") if editable else None,
    }
    return render(request, "playlists/detail.html", context)


def _initial(item: PlaylistItem) -> dict:
    """A step's settings as its form shows them, each text in each language as stored."""
    texts = {field_for(name, lang) for name in StepForm.texts for lang in language_codes()}
    return {
        "question": item.question,
        "stages": item.stages,
        **{column: getattr(item, column) or "" for column in texts},
    }


@login_required
def playlist_edit(request: HttpRequest, code: str) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    texts = {field_for(name, lang) for name in PlaylistForm.texts for lang in language_codes()}
    initial = {
        **{column: getattr(playlist, column) or "" for column in texts},
        "visibility": playlist.visibility,
        "editors": ", ".join(playlist.editors.values_list("username", flat=True)),
    }
    form = PlaylistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            playlist_update(
                playlist=playlist,
                title=form.texts_of("title"),
                description=form.texts_of("description"),
                visibility=form.cleaned_data["visibility"],
                editor_names=form.cleaned_data["editors"],
            )
        except PlaylistError as error:
            form.add_error("editors", str(error))
        else:
            return redirect("playlists:detail", playlist.code)
    context = {"form": form, "playlist": playlist}
    return render(request, "playlists/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def playlist_remove(request: HttpRequest, code: str) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    if not (request.user.is_superuser or playlist.owner_id == request.user.pk):
        return _refused(request, _("Only the teacher who owns a playlist may delete it."))
    playlist_delete(playlist=playlist)
    return redirect("playlists:list")


@login_required
@require_POST
def playlist_copy(request: HttpRequest, code: str) -> HttpResponse:
    if not is_teacher(request.user):
        return _refused(request)
    playlist = _viewable_or_404(request, code)
    copy = playlist_duplicate(playlist=playlist, owner=request.user)
    return redirect("playlists:detail", copy.code)


@login_required
@require_POST
def case_add(request: HttpRequest) -> HttpResponse:
    form = AddCaseForm(request.POST)
    if not form.is_valid():
        return _bad(request, _("Choose a playlist to add the case to."))
    playlist, refusal = _editable(request, form.cleaned_data["playlist"])
    if refusal:
        return refusal
    case = Case.objects.visible_to(request.user).filter(code=form.cleaned_data["case"]).first()
    if case is None:
        raise Http404(_("No such case."))
    playlist_item_add(playlist=playlist, case=case)
    return redirect("playlists:detail", playlist.code)


@login_required
@require_POST
def slide_add(request: HttpRequest, code: str) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    form = SlideForm(request.POST)
    if not form.is_valid():
        return _bad(request, " ".join(form.messages()))
    playlist_item_add(playlist=playlist, title=form.texts_of("title"), text=form.texts_of("text"))
    return redirect("playlists:detail", playlist.code)


@login_required
@require_POST
def step_update(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    item, form = _item(playlist, pk), StepForm(request.POST)
    if not form.is_valid():
        message = _("This step's settings could not be read.")
        return _bad(request, " ".join([message, *form.messages()]))
    try:
        playlist_item_update(
            item=item,
            question=form.cleaned_data["question"],
            stages=form.cleaned_data["stages"],
            notes=form.texts_of("notes"),
            title=form.texts_of("title"),
            text=form.texts_of("text"),
        )
    except PlaylistError as error:
        return _bad(request, str(error))
    return redirect(f"{playlist_url(playlist)}#step-{item.pk}")


def playlist_url(playlist: Playlist) -> str:
    from django.urls import reverse

    return reverse("playlists:detail", args=[playlist.code])


@login_required
@require_POST
def step_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    item, form = _item(playlist, pk), MoveForm(request.POST)
    if not form.is_valid():
        return _bad(request, _("Move a step up or down."))
    playlist_item_move(item=item, by=-1 if form.cleaned_data["direction"] == "up" else 1)
    return redirect(f"{playlist_url(playlist)}#step-{item.pk}")


@login_required
@require_POST
def step_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    playlist_item_remove(item=_item(playlist, pk))
    return redirect("playlists:detail", playlist.code)


@login_required
@require_POST
def steps_reorder(request: HttpRequest, code: str) -> HttpResponse:
    """The order the page's script sends after a drag: 204 when stored."""
    playlist, refusal = _editable(request, code)
    if refusal:
        return refusal
    form = OrderForm(request.POST)
    if not form.is_valid():
        return _bad(request, _("The order must list step numbers."))
    try:
        playlist_reorder(playlist=playlist, ordered_ids=form.cleaned_data["order"])
    except PlaylistError as error:
        return _bad(request, str(error))
    return HttpResponse(status=204)


def playlist_pptx(request: HttpRequest, code: str) -> HttpResponse:
    playlist = _viewable_or_404(request, code)
    deck = deck_bytes(deck_of(playlist), title=playlist.title, language=current_language())
    response = HttpResponse(deck, content_type=PPTX)
    name = slugify(playlist.title) or playlist.code
    response["Content-Disposition"] = f'attachment; filename="{name}.pptx"'
    return response


def playlist_handout(request: HttpRequest, code: str) -> HttpResponse:
    playlist = _viewable_or_404(request, code)
    return render(request, "playlists/handout.html", {"playlist": playlist, **handout_of(playlist)})
