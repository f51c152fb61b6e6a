from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def quiz_home(request: HttpRequest) -> HttpResponse:
    return render(request, "teaching/home.html", {})


quiz_new = quiz_detail = quiz_start = question = quiz_end = quiz_finish = quiz_home
