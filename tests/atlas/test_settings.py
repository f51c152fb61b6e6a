import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _django_check(**env) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; production never would.
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = _django_check(DEBUG="false", ALLOWED_HOSTS="atlas.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _django_check(DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off." in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
    result = _django_check(DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="atlas.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _mail_settings(**env) -> dict:
    names = ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS")
    names += ("DEFAULT_FROM_EMAIL",)
    clean = {k: v for k, v in os.environ.items() if k not in names}
    clean.update(env)
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', "
        "'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
        "'DEFAULT_FROM_EMAIL')}))"
    )
    clean["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_password_reset_mail_goes_to_the_console_unless_a_mail_server_is_named():
    assert _mail_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_a_mail_server_in_the_environment_sends_by_smtp():
    mail = _mail_settings(
        EMAIL_HOST="smtp.hospital.example",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="atlas",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="atlas@hospital.example",
    )
    assert mail == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.hospital.example",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "atlas",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": False,
        "DEFAULT_FROM_EMAIL": "atlas@hospital.example",
    }


def test_object_storage_without_a_bucket_refuses_to_start():
    result = _django_check(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME." in result.stderr


def test_an_unknown_media_storage_refuses_to_start():
    result = _django_check(MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be filesystem or s3, not 'ftp'." in result.stderr


def test_deploy_check_is_clean_with_media_in_object_storage():
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
    result = _django_check(
        DEBUG="false",
        SECRET_KEY=key,
        ALLOWED_HOSTS="atlas.example.org",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="atlas-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _security_settings(**env) -> tuple[dict, str]:
    dropped = ("ATLAS_PLAIN_HTTP", "DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(DEBUG="false", SECRET_KEY="k" * 60, ALLOWED_HOSTS="192.168.1.23", **env)
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS')}))"
    )
    clean["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_production_insists_on_https_unless_told_otherwise():
    values, warning = _security_settings()
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
    assert "ATLAS_PLAIN_HTTP" not in warning


def test_plain_http_switch_serves_a_rooms_network_without_tls_and_warns_at_start_up():
    values, warning = _security_settings(ATLAS_PLAIN_HTTP="true")
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }
    assert "WARNING: ATLAS_PLAIN_HTTP is on" in warning
