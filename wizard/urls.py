from django.urls import path

from atlas.page_cache import public_page

from . import views

app_name = "wizard"
urlpatterns = [
    path("", public_page(views.wizard), name="wizard"),
    path("results/", public_page(views.wizard_results), name="results"),
    path("case/<slug:slug>/", views.wizard_from_case, name="case"),
]
