import re

import numpy as np
import pytest
from pydicom.dataset import Dataset
from pydicom.uid import CTImageStorage, ImplicitVRLittleEndian

from cases.dicom.deidentify import (
    IMPLEMENTATION_CLASS_UID,
    deidentify,
    needs_burned_in_review,
    pseudonymous_patient_id,
    remap_uid,
    shift_date,
    shift_datetime,
    write_clean,
)
from cases.dicom.errors import RejectedFile
from cases.dicom.reading import decode_frame, read_dicom
from tests.cases.dicom.builders import make_ct, make_mr, make_us, pydicom_corpus_files, to_bytes

MARKER = "MARKER-7f3a"
KEY = b"atlas-test-key-1"
OFFSET = -100
ROOT = "1.2.826.0.1.3680043.8.498.7300"
STUDY_UID, SERIES_UID, FRAME_OF_REFERENCE_UID = f"{ROOT}.1", f"{ROOT}.2", f"{ROOT}.3"
SOURCE_UID, OTHER_STUDY_UID = f"{ROOT}.4", f"{ROOT}.5"
SLICE_UIDS = (f"{ROOT}.10", f"{ROOT}.11")
MARKER_UIDS = (STUDY_UID, SERIES_UID, FRAME_OF_REFERENCE_UID, SOURCE_UID, OTHER_STUDY_UID)
MARKER_DATES = ("19450317", "20190523", "20190524")


def _item(**attributes: object) -> Dataset:
    item = Dataset()
    for keyword, value in attributes.items():
        setattr(item, keyword, value)
    return item


def _add_private_and_overlay(ds: Dataset) -> None:
    block = ds.private_block(0x0029, f"{MARKER} CREATOR", create=True)
    block.add_new(0x10, "LO", f"{MARKER} private")
    block.add_new(0x11, "SQ", [_item(PatientName=f"{MARKER}^Private")])
    ds.add_new(0x60000022, "LO", f"{MARKER} overlay description")
    ds.add_new(0x60003000, "OW", MARKER.encode() * 4)
    ds.add_new(0x50002500, "LO", f"{MARKER} curve label")


def make_identified_ct(sop_uid: str = SLICE_UIDS[0]) -> Dataset:
    """A CT slice in which every identifying field, at three depths, carries a marker."""
    ds = make_ct(
        SOPInstanceUID=sop_uid,
        StudyInstanceUID=STUDY_UID,
        SeriesInstanceUID=SERIES_UID,
        FrameOfReferenceUID=FRAME_OF_REFERENCE_UID,
        PatientName=f"{MARKER}^Jane^Q",
        PatientID=f"{MARKER}-id",
        PatientBirthDate="19450317",
        PatientBirthTime="083000",
        PatientAge="074Y",
        PatientAddress=f"1 {MARKER} Street",
        PatientTelephoneNumbers=f"+44 {MARKER}",
        PatientMotherBirthName=f"{MARKER}^Mother",
        OtherPatientNames=f"{MARKER}^Alias",
        AdditionalPatientHistory=f"history of {MARKER}",
        PatientComments=f"{MARKER} comment",
        InstitutionName=f"{MARKER} Hospital",
        InstitutionAddress=f"{MARKER} Road",
        InstitutionalDepartmentName=f"{MARKER} Radiology",
        StationName=MARKER,
        DeviceSerialNumber=MARKER,
        AccessionNumber=MARKER,
        StudyID=MARKER,
        ReferringPhysicianName=f"{MARKER}^Referrer",
        PerformingPhysicianName=f"{MARKER}^Performer",
        NameOfPhysiciansReadingStudy=f"{MARKER}^Reader",
        RequestingPhysician=f"{MARKER}^Requester",
        PhysiciansOfRecord=f"{MARKER}^Record",
        OperatorsName=[f"{MARKER}^Operator", f"{MARKER.lower()}^Second"],
        EvaluatorName=f"{MARKER}^Evaluator",  # a PN the profile table does not list
        StudyDescription=f"CT chest {MARKER}",
        SeriesDescription=f"axial {MARKER}",
        ProtocolName=f"protocol {MARKER}",
        ImageComments=f"{MARKER} image comment",
        StudyDate="20190523",
        SeriesDate="20190523",
        AcquisitionDate="20190523",
        ContentDate="20190524",
        InstanceCreationDate="20190524",
        StudyTime="101500",
        AcquisitionDateTime="20190523101530.123456+0100",
        TimezoneOffsetFromUTC="+0100",
    )
    ds.OtherPatientIDsSequence = [_item(PatientID=f"{MARKER}-other", IssuerOfPatientID=MARKER)]
    ds.ReferencedStudySequence = [
        _item(ReferencedSOPClassUID="1.2.840.10008.3.1.2.3.1", ReferencedSOPInstanceUID=STUDY_UID)
    ]
    ds.RequestAttributesSequence = [
        _item(
            RequestedProcedureID=MARKER,
            ScheduledProcedureStepID=MARKER,
            ReferencedStudySequence=[
                _item(
                    ReferencedSOPClassUID="1.2.840.10008.3.1.2.3.1",
                    ReferencedSOPInstanceUID=OTHER_STUDY_UID,
                )
            ],
        )
    ]
    # Sequences the profile keeps must be cleaned inside, down to the third level.
    innermost = _item(
        ReferencedSOPClassUID=CTImageStorage,
        ReferencedSOPInstanceUID=SOURCE_UID,
        OperatorsName=f"{MARKER}^Deep",
        AcquisitionDateTime="20190523090000",
    )
    _add_private_and_overlay(innermost)
    instance = _item(
        ReferencedSOPClassUID=CTImageStorage,
        ReferencedSOPInstanceUID=SLICE_UIDS[1],
        InstitutionName=f"{MARKER} nested",
        PersonName=f"{MARKER}^Nested",
        ContentDate="20190523",
        ReferencedImageSequence=[innermost],
    )
    _add_private_and_overlay(instance)
    ds.ReferencedSeriesSequence = [
        _item(SeriesInstanceUID=SERIES_UID, ReferencedInstanceSequence=[instance])
    ]
    ds.SourceImageSequence = [
        _item(ReferencedSOPClassUID=CTImageStorage, ReferencedSOPInstanceUID=SOURCE_UID)
    ]
    _add_private_and_overlay(ds)
    ds.file_meta.SourceApplicationEntityTitle = MARKER
    return ds


def _clean_bytes(ds: Dataset, *, key: bytes = KEY, offset: int = OFFSET) -> bytes:
    return write_clean(deidentify(ds, key=key, case_id="calc-012", date_offset_days=offset))


def _clean(ds: Dataset, *, key: bytes = KEY, offset: int = OFFSET) -> Dataset:
    return read_dicom(_clean_bytes(ds, key=key, offset=offset))


def _variants(text: str) -> set[bytes]:
    forms = {text, text.lower(), text.upper()}
    return {form.encode(codec) for form in forms for codec in ("ascii", "utf-16-le", "utf-16-be")}


@pytest.fixture(scope="module")
def written() -> bytes:
    return _clean_bytes(make_identified_ct())


@pytest.fixture(scope="module")
def cleaned(written: bytes) -> Dataset:
    return read_dicom(written)


def test_no_marker_text_date_or_uid_survives_anywhere_in_the_written_file(written: bytes) -> None:
    assert MARKER.encode() in to_bytes(make_identified_ct())  # the check can see markers
    leaked = [
        needle
        for value in (MARKER, *MARKER_DATES, *MARKER_UIDS, *SLICE_UIDS)
        for needle in _variants(value)
        if needle in written
    ]
    assert leaked == []


def test_written_file_has_a_zeroed_preamble_and_our_file_meta(cleaned: Dataset) -> None:
    assert cleaned.preamble == bytes(128)
    meta = cleaned.file_meta
    assert meta.MediaStorageSOPInstanceUID == cleaned.SOPInstanceUID
    assert meta.MediaStorageSOPClassUID == CTImageStorage
    assert meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    assert "SourceApplicationEntityTitle" not in meta


def test_patient_is_replaced_by_case_pseudonyms(cleaned: Dataset) -> None:
    assert cleaned.PatientName == "CASE^calc-012"
    assert cleaned.PatientID == pseudonymous_patient_id(key=KEY, case_id="calc-012")
    assert cleaned.PatientID != pseudonymous_patient_id(key=b"another key", case_id="calc-012")
    assert cleaned.PatientBirthDate in ("", None)
    assert "PatientBirthTime" not in cleaned and "PatientAge" not in cleaned
    assert "OtherPatientIDsSequence" not in cleaned


def test_dataset_is_marked_as_deidentified_with_profile_and_option_codes(cleaned: Dataset) -> None:
    assert cleaned.PatientIdentityRemoved == "YES"
    assert cleaned.DeidentificationMethod
    codes = {
        (code.CodingSchemeDesignator, code.CodeValue)
        for code in cleaned.DeidentificationMethodCodeSequence
    }
    assert codes == {("DCM", "113100"), ("DCM", "113107")}
    assert cleaned.LongitudinalTemporalInformationModified == "MODIFIED"


def test_unshifted_dates_are_declared_as_full_dates_option() -> None:
    cleaned = _clean(make_identified_ct(), offset=0)
    codes = {code.CodeValue for code in cleaned.DeidentificationMethodCodeSequence}
    assert codes == {"113100", "113106"}
    assert cleaned.StudyDate == "20190523"


def test_dates_move_by_the_offset_and_times_of_day_are_kept(cleaned: Dataset) -> None:
    assert cleaned.StudyDate == "20190212"  # 23 May 2019 minus 100 days
    assert cleaned.ContentDate == "20190213"
    assert cleaned.StudyTime == "101500"
    assert cleaned.AcquisitionDateTime == "20190212101530.123456"
    assert "TimezoneOffsetFromUTC" not in cleaned
    instance = cleaned.ReferencedSeriesSequence[0].ReferencedInstanceSequence[0]
    assert instance.ContentDate == "20190212"
    assert instance.ReferencedImageSequence[0].AcquisitionDateTime == "20190212090000"


def test_identifying_elements_are_removed_or_emptied(cleaned: Dataset) -> None:
    for removed in [
        "InstitutionName",
        "StationName",
        "OperatorsName",
        "PerformingPhysicianName",
        "StudyDescription",
        "SeriesDescription",
        "ImageComments",
        "RequestAttributesSequence",
        "ReferencedStudySequence",
    ]:
        assert removed not in cleaned, removed
    for emptied in ["AccessionNumber", "StudyID", "ReferringPhysicianName", "EvaluatorName"]:
        assert cleaned[emptied].is_empty, emptied


def test_private_tags_curves_and_overlays_are_gone_at_every_depth(cleaned: Dataset) -> None:
    tags = [element.tag for element in cleaned.iterall()]
    assert not [tag for tag in tags if tag.is_private]
    assert not [tag for tag in tags if tag.group & 0xFF00 in (0x5000, 0x6000)]


def test_kept_nested_sequences_are_cleaned_inside(cleaned: Dataset) -> None:
    instance = cleaned.ReferencedSeriesSequence[0].ReferencedInstanceSequence[0]
    assert "InstitutionName" not in instance
    assert instance.PersonName == "ANONYMOUS"
    innermost = instance.ReferencedImageSequence[0]
    assert "OperatorsName" not in innermost
    assert innermost.ReferencedSOPClassUID == CTImageStorage


def test_uids_are_remapped_consistently_across_one_case() -> None:
    first, second = (
        _clean(make_identified_ct(SLICE_UIDS[0])),
        _clean(make_identified_ct(SLICE_UIDS[1])),
    )
    assert first.StudyInstanceUID == second.StudyInstanceUID == remap_uid(STUDY_UID, key=KEY)
    assert first.SeriesInstanceUID == second.SeriesInstanceUID
    assert first.FrameOfReferenceUID == second.FrameOfReferenceUID
    assert first.SOPInstanceUID != second.SOPInstanceUID
    # A reference inside the first slice still points at the second slice after remapping.
    reference = first.ReferencedSeriesSequence[0].ReferencedInstanceSequence[0]
    assert reference.ReferencedSOPInstanceUID == second.SOPInstanceUID
    assert first.ReferencedSeriesSequence[0].SeriesInstanceUID == first.SeriesInstanceUID
    assert first.SourceImageSequence[0].ReferencedSOPInstanceUID == remap_uid(SOURCE_UID, key=KEY)


def test_another_key_gives_other_uids_and_class_uids_are_never_remapped() -> None:
    ours, theirs = _clean(make_identified_ct()), _clean(make_identified_ct(), key=b"other-key")
    assert ours.StudyInstanceUID != theirs.StudyInstanceUID
    assert ours.SOPInstanceUID != theirs.SOPInstanceUID
    assert ours.SOPClassUID == theirs.SOPClassUID == CTImageStorage
    assert ours.file_meta.TransferSyntaxUID == make_ct().file_meta.TransferSyntaxUID


def test_unregistered_class_and_coding_scheme_uids_are_kept() -> None:
    vendor_class = "1.3.12.2.1107.5.9.1"  # a private SOP class, absent from the registry
    ds = make_ct(SOPClassUID=vendor_class)
    ds.CodingSchemeIdentificationSequence = [
        _item(CodingSchemeDesignator="SCT", CodingSchemeUID="2.16.840.1.113883.6.96")
    ]
    deidentify(ds, key=KEY, case_id="c", date_offset_days=OFFSET)
    assert ds.SOPClassUID == ds.file_meta.MediaStorageSOPClassUID == vendor_class
    assert ds.CodingSchemeIdentificationSequence[0].CodingSchemeUID == "2.16.840.1.113883.6.96"


@pytest.mark.parametrize("uid", ["1.2.3", STUDY_UID, "9" * 64, "not a uid"])
def test_remapped_uid_is_a_valid_uuid_derived_uid(uid: str) -> None:
    remapped = remap_uid(uid, key=KEY)
    assert remapped == remap_uid(uid, key=KEY)
    assert remapped.is_valid and len(remapped) <= 64
    assert re.fullmatch(r"2\.25\.(0|[1-9]\d*)", remapped)
    number = int(remapped.removeprefix("2.25."))
    assert number < 2**128 and (number >> 76) & 0xF == 8  # UUID version 8


def test_pixel_data_is_untouched(cleaned: Dataset) -> None:
    assert np.array_equal(decode_frame(cleaned), make_identified_ct().pixel_array)


@pytest.mark.parametrize(
    ("value", "days", "shifted"),
    [
        ("20200301", -1, "20200229"),
        ("2020.03.01", 1, "20200302"),
        ("20191231", 1, "20200101"),
        ("2019", 5, ""),
        ("20191332", 1, ""),
        ("00010101", -1, ""),
    ],
)
def test_date_shift_handles_calendar_edges_and_blanks_what_it_cannot_parse(
    value: str, days: int, shifted: str
) -> None:
    assert shift_date(value, days) == shifted


@pytest.mark.parametrize(
    ("value", "shifted"),
    [
        ("20200301", "20200229"),
        ("202003011230", "202002291230"),
        ("20200301123000.5-0500", "20200229123000.5"),
        ("202003", ""),
        ("20200301T1230", ""),
    ],
)
def test_datetime_shift_keeps_the_time_and_drops_the_utc_offset(value: str, shifted: str) -> None:
    assert shift_datetime(value, -1) == shifted


def test_implicit_vr_file_is_written_back_in_its_own_transfer_syntax() -> None:
    ds = make_mr(PatientName=f"{MARKER}^Implicit")
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    written = _clean_bytes(read_dicom(to_bytes(ds)))
    assert not any(needle in written for needle in _variants(MARKER))
    assert read_dicom(written).file_meta.TransferSyntaxUID == ImplicitVRLittleEndian


def test_writing_a_dataset_that_was_not_deidentified_is_refused() -> None:
    with pytest.raises(ValueError, match="not been de-identified"):
        write_clean(make_ct())


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        deidentify(make_ct(), key=b"", case_id="c", date_offset_days=1)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_accepted_corpus_image_survives_deidentification_and_rereading() -> None:
    written = 0
    for path in pydicom_corpus_files():
        try:
            ds = read_dicom(path.read_bytes())
        except RejectedFile:
            continue
        cleaned = read_dicom(_clean_bytes(ds))
        assert cleaned.PatientIdentityRemoved == "YES", path
        assert not [element for element in cleaned.iterall() if element.tag.is_private], path
        written += 1
    assert written > 40


# needs_burned_in_review


@pytest.mark.parametrize(
    ("ds", "flagged"),
    [
        (make_ct(BurnedInAnnotation="YES"), True),
        (make_ct(BurnedInAnnotation="NO"), False),
        (make_ct(), False),
        (make_us(), True),
        (make_us(BurnedInAnnotation="NO"), False),
        (make_us(BurnedInAnnotation="YES"), True),
        (make_ct(Modality="OT"), True),
        (make_ct(Modality="SC"), True),
        (make_ct(SOPClassUID="1.2.840.10008.5.1.4.1.1.7"), True),
        (make_ct(ImageType=["DERIVED", "SECONDARY", "AXIAL"]), True),
        (make_ct(ImageType=["DERIVED", "SECONDARY"], BurnedInAnnotation="NO"), True),
        (make_mr(ImageType="ORIGINAL"), False),
    ],
    ids=[
        "ct-burned-in-yes",
        "ct-burned-in-no",
        "ct-unset",
        "us-unset",
        "us-burned-in-no",
        "us-burned-in-yes",
        "ot-unset",
        "sc-unset",
        "secondary-capture-class",
        "secondary-image-type",
        "secondary-even-if-no",
        "single-valued-image-type",
    ],
)
def test_burned_in_review_is_asked_for_exactly_the_risky_images(ds: Dataset, flagged: bool) -> None:
    reason = needs_burned_in_review(ds)
    assert (reason is not None) == flagged
    if flagged:
        assert reason
