"""`manage.py import_images CASE_SLUG PATH... [--study N] [--json]`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def run(*args, capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("import_images", *args, stdout=out)
    return out.getvalue()


def test_a_folder_is_imported_with_one_line_per_file(tmp_path, django_capture_on_commit_callbacks):
    case = make_case(images=0)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.dcm").write_bytes(to_bytes(make_ct()))
    (folder / "b.dcm").write_bytes(to_bytes(make_ct()))
    (folder / ".DS_Store").write_bytes(b"junk")

    output = run(case.slug, str(folder), capture=django_capture_on_commit_callbacks)

    lines = output.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("imported  ") for line in lines)
    assert case.studies.get().images.count() == 2


def test_json_output_lists_each_file_and_a_rejection_fails_the_command(
    tmp_path, django_capture_on_commit_callbacks
):
    case = make_case(images=0)
    good, bad = tmp_path / "good.dcm", tmp_path / "bad.dcm"
    good.write_bytes(to_bytes(make_ct()))
    bad.write_bytes(b"not dicom at all")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 file"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_images", case.slug, str(good), str(bad), "--json", stdout=out)

    results = json.loads(out.getvalue())
    image = case.studies.get().images.get()
    assert results == [
        {"path": str(good), "status": "imported", "reason": "", "image_ids": [image.pk]},
        {"path": str(bad), "status": "rejected", "reason": "not a DICOM file", "image_ids": []},
    ]


def test_the_study_number_chooses_the_study(tmp_path, django_capture_on_commit_callbacks):
    case = make_case(studies=2, images=0)
    path = tmp_path / "a.dcm"
    path.write_bytes(to_bytes(make_ct()))

    with pytest.raises(CommandError, match="choose one"):
        run(case.slug, str(path), capture=django_capture_on_commit_callbacks)
    run(case.slug, str(path), "--study", "2", capture=django_capture_on_commit_callbacks)

    assert [study.images.count() for study in case.studies.order_by("order")] == [0, 1]


@pytest.mark.parametrize(
    "args, message",
    [(["no-such-case", "x"], "No case"), (["{slug}", "/no/such/path"], "neither a file")],
)
def test_wrong_arguments_get_a_clear_error(args, message, django_capture_on_commit_callbacks):
    case = make_case(images=0)
    with pytest.raises(CommandError, match=message):
        run(
            *[arg.format(slug=case.slug) for arg in args],
            capture=django_capture_on_commit_callbacks,
        )


@pytest.mark.django_db(transaction=True)
def test_a_file_that_fails_to_render_is_reported_and_fails_the_command(tmp_path, monkeypatch):
    # Autocommit, as on a server: the render runs at the commit, before the command reports.
    from cases.dicom import render

    def broken(*args, **kwargs):
        raise ValueError("decoder gave up")

    monkeypatch.setattr(render, "render_frame", broken)
    case = make_case(images=0)
    (tmp_path / "a.dcm").write_bytes(to_bytes(make_ct()))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_images", case.slug, str(tmp_path / "a.dcm"), stdout=out)
    assert "rejected" in out.getvalue()
    assert "stored, but it failed to render: rendering failed" in out.getvalue()


def test_the_stored_dicom_names_the_patient_by_the_neutral_code_not_the_diagnosis(
    tmp_path, django_capture_on_commit_callbacks
):
    import pydicom
    from django.core.files.storage import default_storage

    case = make_case(images=0, slug="tophaceous-gout-forearm")
    (tmp_path / "a.dcm").write_bytes(to_bytes(make_ct()))
    # The command also takes the case's public code.
    run(case.code, str(tmp_path / "a.dcm"), capture=django_capture_on_commit_callbacks)

    source = case.studies.get().images.get().sources.get()
    with default_storage.open(source.file.name, "rb") as handle:
        stored = pydicom.dcmread(handle)
    assert str(stored.PatientName) == f"CASE^{case.code}"
    assert "gout" not in str(stored.PatientName).lower() + str(stored.PatientID).lower()
    assert "gout" not in source.file.name
