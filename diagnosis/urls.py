from django.urls import path

from atlas.page_cache import public_page

from . import views

app_name = "diagnosis"
urlpatterns = [
    path("", public_page(views.glossary), name="glossary"),
]
