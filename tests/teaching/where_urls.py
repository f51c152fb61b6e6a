"""Test-only addresses for the browser test of the "Where is it?" picture.

The question page itself belongs to the quiz views; here a bare page holds the same form (a
confidence group, then templates/teaching/_where_form.html) and posts it to an echo that
answers with what the browser sent, so the test sees where.x, where.y, nx and ny as a server
would. The test points ROOT_URLCONF here.
"""

from io import BytesIO

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from PIL import Image, ImageDraw

# A wide picture, so that a mix-up of the two axes or of the two scales shows.
WIDTH, HEIGHT = 600, 300

PAGE = """{% load static %}<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Where is it?</title>
  <link rel="stylesheet" href="{% static 'css/atlas.css' %}">
  <link rel="stylesheet" href="{% static 'css/quiz.css' %}">
</head>
<body>
  <main id="main">
    <h1>Where is it?</h1>
    <form method="post" action="/echo/" class="quiz-form quiz-where">
      {% csrf_token %}
      <fieldset>
        <legend>How sure are you?</legend>
        <label><input type="radio" name="confidence" value="guessing" required> Guessing</label>
        <label><input type="radio" name="confidence" value="fairly-sure"> Fairly sure</label>
        <label><input type="radio" name="confidence" value="certain"> Certain</label>
      </fieldset>
      {% include "teaching/_where_form.html" %}
    </form>
  </main>
</body>
</html>
"""


def where_page(request: HttpRequest) -> HttpResponse:
    context = {
        "image_url": "/picture.png",
        "width": WIDTH,
        "height": HEIGHT,
        "alt": "Radiograph, anteroposterior.",
    }
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


def picture(request: HttpRequest) -> HttpResponse:
    """A grey picture with a brighter band, drawn at WIDTH x HEIGHT."""
    image = Image.new("L", (WIDTH, HEIGHT), 60)
    ImageDraw.Draw(image).rectangle((WIDTH // 3, 0, 2 * WIDTH // 3, HEIGHT), fill=170)
    out = BytesIO()
    image.save(out, "PNG")
    return HttpResponse(out.getvalue(), content_type="image/png")


def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse({name: request.POST.get(name) for name in request.POST})


def no_icon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


urlpatterns = [
    path("where/", where_page),
    path("favicon.ico", no_icon),
    path("picture.png", picture),
    path("echo/", echo),
]
