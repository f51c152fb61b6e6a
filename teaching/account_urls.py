from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import account_views

app_name = "accounts"

# Django's own views for signing in and resetting a password, with the site's templates; their
# default success addresses are un-namespaced names, so each is given here.
urlpatterns = [
    path("", account_views.account, name="account"),
    path("signup/", account_views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", account_views.SiteLogoutView.as_view(), name="logout"),
    path("answers.csv", account_views.history_csv, name="history_csv"),
    path("delete/", account_views.delete, name="delete"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
