"""De-identification by DICOM PS3.15 Annex E: the Basic Application Level Confidentiality
Profile with the Retain Longitudinal Temporal Information with Modified Dates Option.

Private tags are not retained (no Retain Safe Private Option): vendors hide names and
free text in them. Curves (50xx) and overlays (60xx) are removed because overlays can carry
burned-in text as graphics; pixel data itself is checked by `needs_burned_in_review`.

Dates and times: every DA and DT is moved by the case's `date_offset_days`, so intervals
between studies of a case survive while the calendar dates do not. Times of day (TM, and
the time part of DT) are kept: on their own they identify no one, and contrast phase timing
is teaching material. DT time-zone suffixes are dropped, as TimezoneOffsetFromUTC is removed.
A date that cannot be parsed is emptied rather than kept.
"""

import hashlib
import hmac
import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import pydicom
from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import DataElement, empty_value_for_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.multival import MultiValue
from pydicom.uid import UID, ExplicitVRLittleEndian, UID_dictionary
from pydicom.valuerep import VR

# Generated once for this atlas (a UUID under 2.25); identifies our writer in file meta.
IMPLEMENTATION_CLASS_UID = UID("2.25.68033680215503846646074047856871165714")
IMPLEMENTATION_VERSION_NAME = "ATLAS_DEID_1"

REMOVE, EMPTY, DUMMY, REMAP = "X", "Z", "D", "U"

# Actions from PS3.15 Table E.1-1, keyed by keyword. Where the table allows a choice
# (X/Z, X/D, X/Z/D) we remove when the attribute is optional in the image IODs and empty
# it when it is Type 2; Type 1 text gets a dummy. Elements not listed fall back to rules
# by VR in `_action_for`: PN is emptied, UI remapped, DA/DT shifted, unknown UN removed.
_ACTIONS_BY_KEYWORD = {
    REMOVE: """
        PatientBirthTime PatientBirthName PatientMotherBirthName PatientAddress
        PatientTelephoneNumbers PatientTelecomInformation OtherPatientIDs OtherPatientNames
        OtherPatientIDsSequence IssuerOfPatientID IssuerOfPatientIDQualifiersSequence
        TypeOfPatientID PatientAge PatientSize PatientWeight PatientSexNeutered
        MedicalRecordLocator EthnicGroup Occupation AdditionalPatientHistory PatientComments
        PatientReligiousPreference MilitaryRank BranchOfService CountryOfResidence
        RegionOfResidence InsurancePlanIdentification PatientInsurancePlanCodeSequence
        PatientPrimaryLanguageCodeSequence PatientPrimaryLanguageModifierCodeSequence
        MedicalAlerts Allergies SmokingStatus PregnancyStatus LastMenstrualDate SpecialNeeds
        PatientState ResponsiblePerson ResponsibleOrganization
        PatientBirthDateInAlternativeCalendar PatientDeathDateInAlternativeCalendar
        PatientAlternativeCalendar ReferencedPatientSequence ReferencedPatientPhotoSequence
        ConfidentialityConstraintOnPatientDataDescription

        IssuerOfAccessionNumberSequence StudyDescription StudyComments
        ReferringPhysicianAddress ReferringPhysicianTelephoneNumbers
        ReferringPhysicianIdentificationSequence ConsultingPhysicianName
        ConsultingPhysicianIdentificationSequence PhysiciansOfRecord
        PhysiciansOfRecordIdentificationSequence NameOfPhysiciansReadingStudy
        PhysiciansReadingStudyIdentificationSequence RequestingPhysician
        RequestingPhysicianIdentificationSequence RequestingService RequestingServiceCodeSequence
        ReferencedStudySequence ReferencedPerformedProcedureStepSequence ProcedureCodeSequence
        AdmittingDiagnosesDescription AdmittingDiagnosesCodeSequence ReasonForStudy
        RequestedContrastAgent RequestedProcedureDescription RequestedProcedureID
        RequestedProcedureLocation RequestedProcedureComments ReasonForTheRequestedProcedure
        ReasonForTheImagingServiceRequest ImagingServiceRequestComments RequestAttributesSequence
        PlacerOrderNumberImagingServiceRequest FillerOrderNumberImagingServiceRequest
        OrderEnteredBy OrderEntererLocation OrderCallbackPhoneNumber
        OrderCallbackTelecomInformation NamesOfIntendedRecipientsOfResults
        IntendedRecipientsOfResultsIdentificationSequence AdmissionID
        IssuerOfAdmissionIDSequence ServiceEpisodeID ServiceEpisodeDescription
        CurrentPatientLocation PatientInstitutionResidence ScheduledPatientInstitutionResidence
        PatientTransportArrangements VisitComments

        InstitutionName InstitutionAddress InstitutionalDepartmentName
        InstitutionalDepartmentTypeCodeSequence InstitutionCodeSequence StationName
        StationAETitle DeviceSerialNumber PlateID GeneratorID CassetteID GantryID DetectorID
        DeviceDescription UDISequence ModifyingDeviceID ModifyingDeviceManufacturer
        ModifiedImageDescription ContainerComponentID

        OperatorsName OperatorIdentificationSequence PerformingPhysicianName
        PerformingPhysicianIdentificationSequence PerformedProcedureStepID
        PerformedProcedureStepDescription CommentsOnThePerformedProcedureStep
        PerformedStationName PerformedStationAETitle PerformedLocation
        ScheduledPerformingPhysicianName ScheduledPerformingPhysicianIdentificationSequence
        ScheduledStationName ScheduledStationAETitle ScheduledProcedureStepLocation
        ScheduledProcedureStepDescription ScheduledProcedureStepID ScheduledProcedureStepSequence
        PreMedication AcquisitionContextSequence HumanPerformerOrganization HumanPerformerName

        SeriesDescription ProtocolName ImageComments FrameComments AcquisitionComments
        DerivationDescription AcquisitionDeviceProcessingDescription
        AcquisitionProtocolDescription ContributionDescription ImagePresentationComments
        TextString TextComments TextValue ContentSequence IdentifyingComments IconImageSequence
        GraphicAnnotationSequence TopicTitle TopicSubject TopicAuthor TopicKeywords Arbitrary
        TimezoneOffsetFromUTC InstanceCoercionDateTime OverlayDate CurveDate OverlayTime
        CurveTime

        PersonAddress PersonTelephoneNumbers PersonTelecomInformation
        PersonIdentificationCodeSequence VerifyingOrganization VerifyingObserverSequence
        AuthorObserverSequence ParticipantSequence CustodialOrganizationSequence
        ContentCreatorIdentificationCodeSequence ReviewerName

        ClinicalTrialSponsorName ClinicalTrialProtocolID ClinicalTrialProtocolName
        ClinicalTrialSiteID ClinicalTrialSiteName ClinicalTrialSubjectID
        ClinicalTrialSubjectReadingID ClinicalTrialTimePointID ClinicalTrialTimePointDescription
        ClinicalTrialCoordinatingCenterName ClinicalTrialProtocolEthicsCommitteeName
        ClinicalTrialProtocolEthicsCommitteeApprovalNumber ClinicalTrialSeriesID
        ClinicalTrialSeriesDescription

        StructureSetName StructureSetDescription ROIName ROIDescription ROIObservationLabel
        RTPlanName RTPlanDescription ResultsIDIssuer InterpretationRecorder
        InterpretationTranscriber InterpretationText InterpretationAuthor
        InterpretationApproverSequence PhysicianApprovingInterpretation
        InterpretationDiagnosisDescription ResultsDistributionListSequence DistributionName
        DistributionAddress InterpretationIDIssuer Impressions ResultsComments

        DigitalSignatureUID DigitalSignaturesSequence ReferencedDigitalSignatureSequence
        ReferencedSOPInstanceMACSequence MAC ModifiedAttributesSequence
        OriginalAttributesSequence EncryptedAttributesSequence DataSetTrailingPadding
    """,
    EMPTY: """
        PatientBirthDate PatientSex AccessionNumber StudyID ReferringPhysicianName
        ContrastBolusAgent ContentCreatorName VerifyingObserverIdentificationCodeSequence
        ROIInterpreter
    """,
    DUMMY: "PatientName PatientID VerifyingObserverName PersonName StructureSetLabel RTPlanLabel",
    # Listed for the record; the UI rule in `_action_for` remaps these and any other
    # instance UID, including ones the table does not name.
    REMAP: """
        StudyInstanceUID SeriesInstanceUID SOPInstanceUID FrameOfReferenceUID
        SynchronizationFrameOfReferenceUID ReferencedSOPInstanceUID ReferencedFrameOfReferenceUID
        IrradiationEventUID ConcatenationUID DimensionOrganizationUID InstanceCreatorUID DeviceUID
        StorageMediaFileSetUID TransactionUID UID ContextGroupExtensionCreatorUID
    """,
}


def _tag(keyword: str) -> int:
    tag = tag_for_keyword(keyword)
    if tag is None:  # a typo in the table must fail loudly, not leave a field uncleaned
        raise KeyError(f"unknown DICOM keyword in de-identification table: {keyword}")
    return tag


ACTIONS: dict[int, str] = {
    _tag(keyword): action
    for action, keywords in _ACTIONS_BY_KEYWORD.items()
    for keyword in keywords.split()
}

# UI attributes that name a kind of thing (SOP class, syntax, coding scheme, vendor) rather
# than an instance; remapping them would make the file unreadable and hides nothing.
_NON_INSTANCE_UID_KEYWORDS = frozenset(
    {"CodingSchemeUID", "MappingResourceUID", "ContextUID", "PrivateInformationCreatorUID"}
    | {"CreatorVersionUID"}
)
_DT_REST = re.compile(r"(\d{0,6}(?:\.\d{1,6})?)(?:[+-]\d{4})?")


def deidentify(ds: Dataset, *, key: bytes, case_id: str, date_offset_days: int) -> Dataset:
    """Apply the profile to `ds` in place, at every sequence depth, and return it."""
    if not key:
        raise ValueError("a secret key is required to pseudonymise identifiers")
    _clean(ds, key=key, days=date_offset_days)

    ds.PatientName = pseudonymous_patient_name(case_id)
    ds.PatientID = pseudonymous_patient_id(key=key, case_id=case_id)
    ds.PatientIdentityRemoved = "YES"
    dates = "shifted" if date_offset_days else "kept"
    ds.DeidentificationMethod = f"PS3.15 Basic Profile; private tags removed; dates {dates}"
    ds.DeidentificationMethodCodeSequence = [
        _dcm_code("113100", "Basic Application Confidentiality Profile")
    ]
    if date_offset_days:
        option = ("113107", "Retain Longitudinal Temporal Information Modified Dates Option")
    else:
        option = ("113106", "Retain Longitudinal Temporal Information Full Dates Option")
    ds.DeidentificationMethodCodeSequence.append(_dcm_code(*option))
    ds.LongitudinalTemporalInformationModified = "MODIFIED" if date_offset_days else "UNMODIFIED"
    ds.file_meta = _fresh_file_meta(ds)
    ds.preamble = bytes(128)  # free-form, and some writers leave text (even names) in it
    return ds


def write_clean(ds: Dataset) -> bytes:
    """Serialise a de-identified dataset as a Part 10 file with a zeroed preamble and our meta."""
    if ds.get("PatientIdentityRemoved") != "YES":
        raise ValueError("refusing to write a dataset that has not been de-identified")
    ds.preamble = bytes(128)
    ds.file_meta = _fresh_file_meta(ds)
    buffer = io.BytesIO()
    pydicom.dcmwrite(buffer, ds, enforce_file_format=True)
    return buffer.getvalue()


def needs_burned_in_review(ds: Dataset) -> str | None:
    """Why a human must look for text burned into the pixels before publishing, or None."""
    burned_in = str(ds.get("BurnedInAnnotation") or "").strip().upper()
    if burned_in == "YES":
        return "BurnedInAnnotation is YES: the pixels contain identifying text"
    image_type = ds.get("ImageType") or []
    values = image_type if isinstance(image_type, list | MultiValue) else [image_type]
    # Derived images (screen grabs, exported key images) keep the review even when they
    # say NO: the flag is copied from the source far more often than it is checked.
    if "SECONDARY" in {str(value).strip().upper() for value in values}:
        return "ImageType is SECONDARY: derived images often carry burned-in text"
    modality = str(ds.get("Modality") or "").strip().upper()
    is_secondary_capture = str(ds.get("SOPClassUID", "")).startswith("1.2.840.10008.5.1.4.1.1.7")
    if burned_in not in ("YES", "NO") and (modality in ("US", "SC", "OT") or is_secondary_capture):
        kind = modality or "secondary capture"
        return f"{kind} image without BurnedInAnnotation: such images often have burned-in text"
    return None


def pseudonymous_patient_id(*, key: bytes, case_id: str) -> str:
    """Stable Patient ID for a case; unguessable without the key, unlike the case id itself."""
    digest = hmac.new(key, b"patient-id\x00" + case_id.encode(), hashlib.sha256).hexdigest()
    return f"ATLAS-{digest[:20].upper()}"


def pseudonymous_patient_name(case_id: str) -> str:
    """Patient's Name shown in viewers: the atlas case, so downloaded files stay findable.

    `case_id` is the case's neutral public code, never its internal name: that one often
    names the diagnosis, and the file is opened next to the unknown."""
    # PN reserves ^ = and backslash; keep a conservative alphabet and the 64-char limit.
    return "CASE^" + (re.sub(r"[^A-Za-z0-9 ._-]", "_", case_id)[:59] or "ANONYMOUS")


def remap_uid(uid: str, *, key: bytes) -> UID:
    """The de-identified replacement of an instance UID: HMAC-derived, valid, under 2.25."""
    digest = bytearray(hmac.new(key, uid.strip("\x00 ").encode(), hashlib.sha256).digest()[:16])
    # Set RFC 9562 version 8 (custom) and variant bits so the number is a genuine UUID,
    # which is what PS3.5 B.2 expects below 2.25.
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    return UID(f"2.25.{int.from_bytes(digest, 'big')}")


def shift_date(value: str, days: int) -> str:
    """Move a DA value by whole days; an unparseable value comes back empty."""
    text = value.strip()
    if len(text) == 10 and text[4] == text[7] == ".":  # ACR-NEMA style YYYY.MM.DD
        text = text.replace(".", "")
    if len(text) != 8 or not text.isdigit():
        return ""
    try:
        moved = date(int(text[:4]), int(text[4:6]), int(text[6:])) + timedelta(days=days)
    except (ValueError, OverflowError):
        return ""
    return f"{moved.year:04d}{moved.month:02d}{moved.day:02d}"


def shift_datetime(value: str, days: int) -> str:
    """Move a DT value by whole days, keeping its time of day and dropping any UTC offset."""
    text = value.strip()
    rest = _DT_REST.fullmatch(text[8:])
    moved = shift_date(text[:8], days)
    return moved + rest.group(1) if moved and rest else ""


def _clean(ds: Dataset, *, key: bytes, days: int) -> None:
    """Apply the action of every element of one dataset, recursing into kept sequences."""
    for tag in list(ds.keys()):
        group = tag.group
        # Private groups, curves and overlays, command/meta groups misplaced in the body,
        # and group lengths (stale once anything is removed) all go.
        if (
            tag.is_private
            or group & 0xFF00 in (0x5000, 0x6000)
            or group <= 0x0002
            or not tag.element
        ):
            del ds[tag]
            continue
        element = ds[tag]
        action = ACTIONS.get(tag) or _action_for(element)
        if action == REMOVE:
            del ds[tag]
        elif action == EMPTY:
            element.value = [] if element.VR == VR.SQ else empty_value_for_VR(element.VR)
        elif action == DUMMY:
            element.value = _dummy_for(element.VR)
        elif element.VR == VR.UI:
            _remap_element(element, key=key)
        elif element.VR in (VR.DA, VR.DT):
            shift = shift_date if element.VR == VR.DA else shift_datetime
            element.value = _map_values(element.value, partial(shift, days=days))
        elif element.VR == VR.SQ:
            for item in element.value:
                _clean(item, key=key, days=days)


def _action_for(element: DataElement) -> str | None:
    if element.VR == VR.PN:
        return EMPTY
    if element.VR == VR.UN:
        return REMOVE  # a public tag pydicom cannot name: its content is unknown, so drop it
    if element.VR == VR.UI:
        return REMAP
    return None


def _remap_element(element: DataElement, *, key: bytes) -> None:
    keyword = element.keyword
    if "Class" in keyword or "TransferSyntax" in keyword or keyword in _NON_INSTANCE_UID_KEYWORDS:
        return
    element.value = _map_values(
        element.value,
        lambda uid: uid if not uid or uid in UID_dictionary else remap_uid(uid, key=key),
    )


def _map_values(value: object, change: Callable[[str], object]) -> object:
    if value is None or value == "":
        return value
    if isinstance(value, list | MultiValue):
        return [change(str(item)) for item in value]
    return change(str(value))


def _dummy_for(vr: str) -> object:
    if vr == VR.PN:
        return "ANONYMOUS"
    if vr == VR.SQ:
        return []
    if vr in (VR.LO, VR.SH, VR.CS, VR.LT, VR.ST, VR.UT, VR.UC):
        return "ANONYMIZED"
    return empty_value_for_VR(vr)


def _dcm_code(value: str, meaning: str) -> Dataset:
    code = Dataset()
    code.CodeValue = value
    code.CodingSchemeDesignator = "DCM"
    code.CodeMeaning = meaning
    return code


def _fresh_file_meta(ds: Dataset) -> FileMetaDataset:
    """File meta rebuilt from the dataset, so nothing from the source's header survives."""
    previous = getattr(ds, "file_meta", None) or FileMetaDataset()
    meta = FileMetaDataset()
    meta.FileMetaInformationVersion = b"\x00\x01"
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = previous.get("TransferSyntaxUID") or ExplicitVRLittleEndian
    meta.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return meta
