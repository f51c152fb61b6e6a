from django.urls import path

from . import progress_views, teacher_views, views

app_name = "teaching"

# Fixed words come before <code>, which would otherwise take them.
urlpatterns = [
    path("", views.quiz_home, name="home"),
    path("new/", views.quiz_new, name="new"),
    path("progress/", progress_views.progress, name="progress"),
    path("sets/", teacher_views.set_list, name="sets"),
    path("sets/<slug:code>/", teacher_views.set_results, name="set_results"),
    path("sets/<slug:code>/results.csv", teacher_views.set_results_csv, name="set_results_csv"),
    path("<slug:code>/", views.quiz_detail, name="quiz"),
    path("<slug:code>/start/", views.quiz_start, name="start"),
    path("<slug:code>/<int:position>/", views.question, name="question"),
    path("<slug:code>/end/", views.quiz_end, name="end"),
    path("<slug:code>/finish/", views.quiz_finish, name="finish"),
]
