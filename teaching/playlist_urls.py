from django.urls import path

from . import playlist_views as views

app_name = "playlists"

# Fixed words come before <code>, which would otherwise take them.
urlpatterns = [
    path("", views.playlist_list, name="list"),
    path("new/", views.playlist_new, name="new"),
    path("add-case/", views.case_add, name="add_case"),
    path("<slug:code>/", views.playlist_detail, name="detail"),
    path("<slug:code>/edit/", views.playlist_edit, name="edit"),
    path("<slug:code>/delete/", views.playlist_remove, name="delete"),
    path("<slug:code>/duplicate/", views.playlist_copy, name="duplicate"),
    path("<slug:code>/slides/", views.slide_add, name="add_slide"),
    path("<slug:code>/order/", views.steps_reorder, name="reorder"),
    path("<slug:code>/steps/<int:pk>/", views.step_update, name="step"),
    path("<slug:code>/steps/<int:pk>/move/", views.step_move, name="move"),
    path("<slug:code>/steps/<int:pk>/remove/", views.step_remove, name="remove"),
    path("<slug:code>/slides.pptx", views.playlist_pptx, name="pptx"),
    path("<slug:code>/handout/", views.playlist_handout, name="handout"),
]
