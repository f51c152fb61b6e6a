from django.urls import path

from . import live_views

app_name = "live"

urlpatterns = [
    path("", live_views.live_join, name="join"),
    path("start/<slug:code>/", live_views.live_start, name="start"),
    path("<str:code>/", live_views.live_phone, name="phone"),
    path("<str:code>/answer/", live_views.live_answer, name="answer"),
    path("<str:code>/state/", live_views.live_state, name="state"),
    path("<str:code>/qr.svg", live_views.live_qr, name="qr"),
    path("<str:code>/present/", live_views.live_present, name="present"),
    path("<str:code>/presenter/", live_views.live_presenter, name="presenter"),
    path("<str:code>/go/", live_views.live_go, name="go"),
    path("<str:code>/results.csv", live_views.live_results_csv, name="results_csv"),
]
