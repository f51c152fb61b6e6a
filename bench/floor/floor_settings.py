"""The framework floor: Django with no database, no middleware and one page.

bench/throughput.py serves it under the same gunicorn settings as the atlas, so the atlas's
pages can be read as a share of what Django itself does on this machine.
"""

from pathlib import Path

DEBUG = False
SECRET_KEY = "floor-only-no-secrets-here-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "floor_urls"
WSGI_APPLICATION = "floor_wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
