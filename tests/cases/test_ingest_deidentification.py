"""End to end: after an import, no trace of the patient is left in media, database or logs.

The input carries a marker in every identifying field, nested sequences, private tags and
overlays included (built by tests/cases/dicom/test_deidentify.py); the original UIDs and the
birth date are identifying too. Each test then searches everything the atlas wrote.
"""

import io
import logging
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases.models import Image
from tests.builders import make_case
from tests.cases.builders import study_form
from tests.cases.dicom.builders import make_us, to_bytes
from tests.cases.dicom.test_deidentify import MARKER, MARKER_UIDS, SLICE_UIDS, make_identified_ct

pytestmark = pytest.mark.django_db

TRACES = [MARKER.lower().encode(), b"19450317", *(uid.encode() for uid in MARKER_UIDS)]
TRACES += [uid.encode() for uid in SLICE_UIDS]
# A leading zero makes this UID invalid, so pydicom warns on reading it, quoting it.
INVALID_UID = "1.2.826.0.1.3680043.8.498.7300.0123"
TRACES.append(INVALID_UID.encode())


@pytest.fixture(autouse=True)
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def identified_files() -> list[tuple[str, bytes]]:
    """A two-slice series and an ultrasound, every one of them full of identity."""
    files = [
        (f"slice{n}.dcm", to_bytes(make_identified_ct(uid))) for n, uid in enumerate(SLICE_UIDS)
    ]
    us = make_identified_ct(SLICE_UIDS[0])
    held = make_us(BurnedInAnnotation="YES")
    for element in us:
        if element.keyword not in held and element.keyword != "PixelData":
            held.add(element)
    # A value pydicom finds invalid makes it warn, quoting the value: that must not be logged.
    held.SeriesInstanceUID = INVALID_UID
    files.append(("us.dcm", to_bytes(held)))
    return files


# Built once at import, so that warnings raised while building are not in the captured logs.
FILES = identified_files()


def traces_in(data: bytes) -> list[bytes]:
    lowered = data.lower()
    return [trace for trace in TRACES if trace in lowered]


def assert_no_trace_anywhere(media, caplog) -> None:
    stored = [path for path in media.rglob("*") if path.is_file()]
    assert len(stored) >= 3, "the import wrote nothing, so this test would prove nothing"
    for path in stored:
        assert traces_in(path.read_bytes()) == [], path

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert traces_in(dump.getvalue().encode()) == []
    if connection.vendor == "sqlite":
        # Every table, including sessions, messages and task results, as SQL text.
        raw = "\n".join(connection.connection.iterdump())
        assert traces_in(raw.encode()) == []

    assert traces_in(caplog.text.encode()) == []


def test_the_marker_is_gone_after_an_admin_upload(
    client, media_root, debug_logs, django_capture_on_commit_callbacks
):
    case = make_case(images=0, status="draft")
    study = case.studies.get()
    admin = get_user_model().objects.create_superuser("boss", "", "pw-for-tests")
    client.force_login(admin)
    data = study_form(study, FILES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:cases_study_change", args=[study.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    images = list(study.images.order_by("order"))
    assert [image.pixels for image in images] == [Image.Pixels.READY, Image.Pixels.HELD]
    client.get(response["Location"])  # the messages are read, as the author would
    assert_no_trace_anywhere(media_root, debug_logs)


def test_the_marker_is_gone_after_a_command_import_of_a_zip(
    tmp_path, media_root, debug_logs, django_capture_on_commit_callbacks
):
    case = make_case(images=0)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, data in FILES:
            bundle.writestr(f"DICOM/{name}", data)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_images", case.slug, str(archive), stdout=io.StringIO())

    assert case.studies.get().images.count() == 2
    assert_no_trace_anywhere(media_root, debug_logs)
