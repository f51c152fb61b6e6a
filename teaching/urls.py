from django.urls import path

from . import views

app_name = "teaching"

urlpatterns = [
    path("", views.quiz_home, name="home"),
    path("new/", views.quiz_new, name="new"),
    path("<slug:code>/", views.quiz_detail, name="quiz"),
    path("<slug:code>/start/", views.quiz_start, name="start"),
    path("<slug:code>/<int:position>/", views.question, name="question"),
    path("<slug:code>/end/", views.quiz_end, name="end"),
    path("<slug:code>/finish/", views.quiz_finish, name="finish"),
]
