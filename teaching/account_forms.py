"""Forms of the account pages: signing up, the consent choice, and deleting the account."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    """A username, an optional email for password resets, and the password twice."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {
            "email": _("Optional. Only used to send you a link if you forget your password.")
        }


class ConsentForm(forms.Form):
    shows_name_to_teachers = forms.BooleanField(
        label=_("Teachers may see my name"),
        required=False,
        help_text=_(
            "Teachers see results for their curated sets. Unless you tick this, your answers "
            "are shown to them as anonymous."
        ),
    )


class AccountDeleteForm(forms.Form):
    """Asks for the password again; the check goes through authenticate(), so django-axes
    counts a wrong password here as it counts one at sign-in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(
                _("That is not your password. Nothing was deleted."), code="wrong_password"
            )
        return password
