from django.urls import path

from . import views

app_name = "wizard"
urlpatterns = [
    path("", views.wizard, name="wizard"),
    path("results/", views.wizard_results, name="results"),
    path("case/<slug:slug>/", views.wizard_from_case, name="case"),
]
