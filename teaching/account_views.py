"""A reader's own account: signing up, the account page, the history download and deleting
the account. Signing in and out and resetting a password are Django's views (account_urls)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .account_forms import AccountDeleteForm, ConsentForm, SignupForm
from .account_selectors import history_header, history_rows
from .account_services import account_delete, learner_consent_set
from .lib.csv_cells import csv_lines
from .models import Answer, Learner
from .services import session_player

# A new account has no password to authenticate() with yet; login() needs its backend named.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest) -> str:
    """The `next` address asked for, if it is on this site; else ""."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else ""


@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.save()
        # login() sends user_logged_in, whose receiver moves the session's answers over.
        login(request, user, backend=MODEL_BACKEND)
        welcome = _("Welcome, %(name)s: your account is ready.") % {"name": user.get_username()}
        messages.success(request, welcome)
        return redirect(_safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


class SiteLogoutView(LogoutView):
    """Signing out takes a POST; a plain visit gets a page with the button instead of a bare
    405."""

    def post(self, request, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response

    def http_method_not_allowed(self, request, *args, **kwargs) -> HttpResponse:
        response = render(request, "accounts/logout.html", status=405)
        response["Allow"] = "POST, OPTIONS"
        return response


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The reader's account: their consent choice, their history and the way out."""
    learner = Learner.objects.filter(user=request.user).first()
    shown = bool(learner and learner.shows_name_to_teachers)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"shows_name_to_teachers": shown},
    )
    if form.is_valid():
        learner_consent_set(
            user=request.user, shows_name_to_teachers=form.cleaned_data["shows_name_to_teachers"]
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("accounts:account")
    context = {
        "consent_form": form,
        "shows_name": shown,
        "answered": Answer.objects.filter(user=request.user).count(),
        "delete_form": AccountDeleteForm(request=request),
    }
    return render(request, "accounts/account.html", context)


@never_cache
@login_required
def history_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The reader's own answers as CSV, streamed, in the language of the address."""
    user, language = request.user, translation.get_language()

    def lines():
        # The body is written after the view returns; keep the reader's language for it.
        with translation.override(language):
            yield from csv_lines(history_header(), history_rows(user))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"atlas-answers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the account and every answer once the password is given again."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_valid():
        account_delete(user=request.user, player=session_player(request))
        logout(request)
        messages.success(request, _("Your account and all your answers have been deleted."))
        return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)
