"""An image's files go with its row, however the row is deleted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cases.ingest import MemoryUpload, images_ingest
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes

ROOT = Path(__file__).resolve().parents[2]

# Django set up as a command or the shell sees it, but without the admin's autodiscover, so
# cases.admin is never imported: the receiver must not depend on the admin being loaded.
WITHOUT_ADMIN = """
import sys

import django
from django.conf import settings

django.setup()
from django.db.models.signals import post_delete

from cases.models import Image

assert "cases.admin" not in sys.modules, "the admin was imported after all"
print(post_delete.has_listeners(Image))
"""


@pytest.mark.django_db
def test_deleting_an_image_deletes_its_files(django_capture_on_commit_callbacks, media_root):
    study = make_case(images=0).studies.get()
    with django_capture_on_commit_callbacks(execute=True):
        images_ingest(study=study, files=[MemoryUpload("a.dcm", to_bytes(make_ct()))])
    assert any(path.is_file() for path in media_root.rglob("*"))

    with django_capture_on_commit_callbacks(execute=True):
        study.images.get().delete()

    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_the_receiver_is_connected_even_when_the_admin_is_never_imported(tmp_path):
    settings_module = tmp_path / "settings_without_admin.py"
    settings_module.write_text(
        "from atlas.settings import *  # noqa: F403\n"
        "INSTALLED_APPS = [\n"
        '    "django.contrib.admin.apps.SimpleAdminConfig"\n'
        '    if app in ("django.contrib.admin", "atlas.apps.AtlasAdminConfig")\n'
        "    else app for app in INSTALLED_APPS  # noqa: F405\n"
        "]\n"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="settings_without_admin",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
    )
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_ADMIN], env=env, cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
