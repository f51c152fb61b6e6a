"""The differential-diagnosis API, outside the language prefix: /api/ddx/…"""

from django.urls import path

from . import api

app_name = "ddx_api"
urlpatterns = [
    path("findings", api.findings, name="findings"),
    path("rank", api.rank, name="rank"),
]
