"""Settings for the atlas, read from environment variables.

Development defaults are safe (SQLite, local media, DEBUG on). With DEBUG off, a missing
SECRET_KEY or ALLOWED_HOSTS stops start-up instead of running insecurely.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) into a dict."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path) or ":memory:",
            # Several authors save at once. WAL lets readers go on while one writes; a write
            # transaction takes its lock at BEGIN (IMMEDIATE), so a read-then-save waits its
            # turn, up to the timeout in seconds, instead of failing with "database is locked".
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            # Opening the file and running the PRAGMAs cost more than a small page's query:
            # each worker keeps its connection, as for PostgreSQL.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # The tests' database is a file, as in production, not Django's shared in-memory
            # one: there a browser test's two windows, each served on its own thread and
            # connection, met "database table is locked" (a shared-cache lock waits for no
            # timeout) and the second got a 500. One file per test process.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"atlas-test-{os.getpid()}.sqlite3")
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


# The page cache's table in the database (atlas/migrations/0002 creates it).
CACHE_TABLE = "atlas_cache"


def cache_from_url(url: str) -> dict:
    """Turn CACHE_URL (redis://host:port/db) into a cache; without it, the database's table."""
    if not url:
        # Embedded: no server to run, and shared by every process and machine that shares the
        # database, as the content version must be (see atlas/page_cache.py).
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    scheme = urlparse(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "atlas",
        }
    raise ImproperlyConfigured(f"CACHE_URL scheme {scheme!r} is not supported")


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if not DEBUG else "127.0.0.1,localhost,testserver")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",
    "atlas.apps.AtlasAdminConfig",  # django.contrib.admin, with changelists that check filters
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "atlas",
    "diagnosis",
    "cases",
    # After diagnosis: its admin adds the wizard's inlines to the glossary's Entity admin.
    "wizard",
    "teaching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "atlas.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cases.middleware.UploadLimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "atlas.urls"
WSGI_APPLICATION = "atlas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atlas.context_processors.language_links",
                "atlas.context_processors.diagnoses_preference",
                "atlas.context_processors.theme_preference",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(env("CACHE_URL"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "es")
TIME_ZONE = env("TIME_ZONE", "Europe/Madrid")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))


def media_storage(kind: str) -> dict:
    """The default storage for MEDIA_STORAGE: a local folder, or an S3-compatible bucket.

    For s3, django-storages' own variable names are read from the environment. The access
    key is not: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance
    role) itself, so the secret never sits in Django's settings.
    """
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {kind!r}.")
    bucket = env("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "location": env("AWS_LOCATION"),
            # "path" for servers without a DNS name per bucket (MinIO, Ceph, Garage).
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # No ACL is sent: objects stay as private as the bucket, never public-read.
            "default_acl": None,
            # The atlas streams every file through /img/ and never hands out its URL; were
            # url() called, the URL would be signed and expire within a minute.
            "querystring_auth": True,
            "querystring_expire": 60,
            # Derivatives are rewritten under the same name; sources never are.
            "file_overwrite": True,
            # Objects read whole (sources, staged uploads) spill to a temporary file past
            # 5 MB, like uploads, instead of being held in memory.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }


MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
STORAGES = {
    "default": media_storage(MEDIA_STORAGE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a request larger than this is refused before it is read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 500

# Image ingest limits (cases/ingest/). A request over ATLAS_MAX_UPLOAD_MB is answered 413
# from its Content-Length, before the body is read. The admin's request only checks and
# stages an upload under uploads/ in the media storage; decoding runs in the ingest_batch task.
# Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to anonymous temporary files, so a
# killed worker leaves no named `*.upload` file behind.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "cases.ingest.uploads.AnonymousFileUploadHandler",
]
ATLAS_MAX_UPLOAD_MB = int(env("ATLAS_MAX_UPLOAD_MB", "1024"))
ATLAS_MAX_FILES = int(env("ATLAS_MAX_FILES", "500"))
ATLAS_MAX_FILE_BYTES = int(env("ATLAS_MAX_FILE_MB", "512")) * 1024 * 1024
ATLAS_MAX_PIXELS = int(env("ATLAS_MAX_PIXELS", "64000000"))
ATLAS_MAX_FRAMES = int(env("ATLAS_MAX_FRAMES", "2000"))
ATLAS_ZIP_MAX_MEMBERS = int(env("ATLAS_ZIP_MAX_MEMBERS", "2000"))
ATLAS_ZIP_MAX_BYTES = int(env("ATLAS_ZIP_MAX_MB", "1024")) * 1024 * 1024
ATLAS_ZIP_MAX_RATIO = int(env("ATLAS_ZIP_MAX_RATIO", "200"))
ATLAS_RENDER_THREADS = int(env("ATLAS_RENDER_THREADS", "4"))

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# The site's own sign-in; the admin keeps its login page, which its views name themselves.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"

# Password-reset mail is printed to the console unless an SMTP server is named.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A slow mail server must not hold a gunicorn worker past its 30-second timeout.
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "atlas@localhost")

# Sign-in throttling (django-axes). Its backend comes first and refuses a locked-out sign-in
# before any password is checked, on every view that calls authenticate(). Failures count per
# username *and* address: counting by address alone would lock a whole hospital out behind its
# one NAT address, by username alone would let anyone lock a named teacher out from anywhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "atlas.views.login_locked_out"
# Behind reverse proxies, the client's address is the ATLAS_PROXY_COUNT-th from the right of
# X-Forwarded-For; with the default 0 it is REMOTE_ADDR and the header, which anyone can
# forge, is ignored.
ATLAS_PROXY_COUNT = int(env("ATLAS_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "atlas.lib.network.axes_client_ip"

# Security headers. The CSP forbids inline scripts and styles everywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A teacher's laptop serving a live session on a room's network has no certificate, so the
# phones reach it over plain http, where secure-only cookies are never sent back (no sign-in,
# no CSRF token, no answer). ATLAS_PLAIN_HTTP=true says so explicitly, and start-up says it
# loudly; without it, production insists on https.
PLAIN_HTTP = env_bool("ATLAS_PLAIN_HTTP", False)
if not DEBUG and PLAIN_HTTP:
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    sys.stderr.write(
        "WARNING: ATLAS_PLAIN_HTTP is on: pages, passwords and cookies travel unencrypted. "
        "Use it only on a closed room or hospital network, for the length of a session.\n"
    )
elif not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # A line per task state change, or axes' start-up banner, is noise for `make run`;
    # failures still show, sign-in failures and lockouts among them.
    "loggers": {"django_tasks": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
