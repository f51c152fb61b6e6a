from django.urls import path

from . import account_views

app_name = "accounts"

urlpatterns = [
    path("", account_views.account, name="account"),
]
