from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

# Thirty cards in a page like the atlas's: about 18 KB of HTML, as in issue 12's floor.
CARDS = [
    {"code": f"C{n:05d}", "title": f"Case {n}: a calcified mass", "age": 20 + n, "n": n}
    for n in range(30)
]


def page(request: HttpRequest) -> HttpResponse:
    return render(request, "floor.html", {"cards": CARDS, "title": "Floor"})


urlpatterns = [path("", page)]
