from django.urls import path

from . import views, views_wizard

app_name = "diagnosis"
urlpatterns = [
    path("", views.glossary, name="glossary"),
    path("classification/", views.classification, name="classification"),
    path("<slug:slug>/", views.entity_detail, name="entity"),
]

# Included at /<lang>/wizard/ in atlas/urls.py, under the "wizard" namespace.
wizard_urlpatterns = [
    path("", views_wizard.wizard, name="wizard"),
    path("results/", views_wizard.wizard_results, name="results"),
    path("case/<slug:slug>/", views_wizard.wizard_from_case, name="case"),
]
