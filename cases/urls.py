from django.urls import path

from atlas.page_cache import public_page

from . import views

app_name = "cases"
urlpatterns = [
    path("", public_page(views.case_list), name="list"),
    # <code> is the case's neutral code; an old address made of its internal name (the slug)
    # answers with a permanent redirect to the code.
    path("<slug:code>/", public_page(views.case_detail), name="detail"),
    path("<slug:code>/images/<uuid:key>/", public_page(views.image_viewer), name="image"),
]
