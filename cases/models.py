import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from atlas.lib.i18n import field_for
from atlas.lib.text import fold, lines
from atlas.models import FoldedSearchQuerySet, SlugManager, Tag
from cases.permissions import sees_drafts, sees_unreleased_images
from diagnosis.models import Entity


class CaseQuerySet(FoldedSearchQuerySet):
    search_columns = ("search_text", "search_text_revealed")
    search_index = "cases_case_search"

    def search_revealed(self, query: str) -> "CaseQuerySet":
        """Cases whose text, their diagnosis included, holds every word of the query."""
        return self.search(query, column="search_text_revealed")

    def new_code(self) -> str:
        """A public code no case uses, as its code or as its internal name."""
        while True:
            code = random_case_code()
            if not Case.objects.filter(models.Q(code=code) | models.Q(slug=code)).exists():
                return code

    def at_address(self, value: str) -> "CaseQuerySet":
        """The case whose public code, or old address (its internal name), is `value`."""
        return self.filter(models.Q(code=value) | models.Q(slug=value))

    def published(self) -> "CaseQuerySet":
        return self.filter(status=Case.Status.PUBLISHED)

    def visible_to(self, user) -> "CaseQuerySet":
        """Staff whom the admin lets view cases see drafts too; everyone else, published ones."""
        if sees_drafts(user):
            return self
        return self.published()


CaseManager = SlugManager.from_queryset(CaseQuerySet)

# A case's public address: "case-" and six characters drawn from digits and consonants, so a
# code never spells a word (let alone a diagnosis). 27**6 is about 387 million codes.
CODE_PREFIX = "case-"
CODE_ALPHABET = "23456789bcdfghjkmnpqrstvwxz"
CODE_LENGTH = 6


def random_case_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """A choice's label in the reader's language, as get_FOO_display() gives it. Django's
    rebuilds the choices dict and hashes every lazy label (a gettext each) on every call, which
    was the largest cost of drawing a page of case cards."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def is_case_code(value: str) -> bool:
    return (
        value.startswith(CODE_PREFIX)
        and len(value) == len(CODE_PREFIX) + CODE_LENGTH
        and all(ch in CODE_ALPHABET for ch in value[len(CODE_PREFIX) :])
    )


class Case(models.Model):
    """One teaching case: a patient's history, imaging studies and the final diagnosis."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Woman")
        MALE = "M", _("Man")
        OTHER = "O", _("Patient")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Certainty(models.TextChoices):
        HISTOLOGY = "histology", _("Histology or laboratory proof")
        IMAGING = "imaging", _("Confirmed by a further imaging test")
        CLINICAL = "clinical", _("Clinical and imaging diagnosis")
        FOLLOW_UP = "follow-up", _("Confirmed on follow-up")

    slug = models.SlugField(
        _("internal name"),
        unique=True,
        help_text=_(
            "For authors and content files only; readers never see it. Addresses use the "
            "neutral code, and an old address made of this name redirects to it."
        ),
    )
    code = models.SlugField(
        _("public code"),
        max_length=16,
        unique=True,
        editable=False,
        help_text=_("The case's neutral address, e.g. case-7k3qmz; given automatically."),
    )
    age = models.PositiveSmallIntegerField(_("age"), help_text=_("Age in years at presentation."))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    presentation = models.CharField(
        _("presentation"),
        max_length=150,
        help_text=_("A short phrase for the neutral title, e.g. 'chronic ankle ulcer'."),
    )
    history = models.TextField(_("clinical history"))
    diagnosis = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="cases", verbose_name=_("final diagnosis")
    )
    certainty = models.CharField(
        _("diagnostic certainty"), max_length=20, choices=Certainty.choices
    )
    confirmation = models.CharField(
        _("confirmed by"),
        max_length=200,
        blank=True,
        help_text=_("How the diagnosis was confirmed, e.g. 'phlebography'."),
    )
    differential = models.ManyToManyField(
        Entity,
        blank=True,
        related_name="differential_cases",
        verbose_name=_("differential diagnosis"),
    )
    discussion = models.TextField(_("discussion"), blank=True)
    teaching_points = models.TextField(
        _("teaching points"), blank=True, help_text=_("One teaching point per line.")
    )
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = TaggableManager(blank=True, through="cases.TaggedCase", related_name="cases")
    search_text = models.TextField(editable=False, default="")
    search_text_revealed = models.TextField(editable=False, default="")

    objects = CaseManager()

    class Meta:
        ordering = ["-published_at", "code"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The case list: readers' cases in the list's order, with the columns the filters
            # test, so a page of a filtered list reads only the rows it shows.
            models.Index(
                fields=["status", "-published_at", "code", "diagnosis", "sex", "age"],
                name="case_list",
            ),
            # The facet counts: grouped by diagnosis and sex in this index's order, so the
            # groups need no sort of their own.
            models.Index(fields=["status", "diagnosis", "sex", "age"], name="case_facets"),
            # An entity's page and the wizard: its published cases, counted and listed newest
            # first, the primary key breaking ties as the wizard's picks order them.
            models.Index(fields=["diagnosis", "status", "-published_at", "id"], name="case_entity"),
            # Cases in their usual order, read from the index: search walks the newest first
            # (cases.selectors.case_search). Not led by status: SQLite, without statistics,
            # takes `status = ?` for a handful of rows and walks a status-led index end to end
            # rather than look up the few ids a search found.
            models.Index(fields=["-published_at", "code"], name="case_published_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(age__lte=130), name="case_age_plausible"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="case_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.code])

    def revealed_url(self) -> str:
        """The case with its diagnosis shown, for readers who chose to see diagnoses."""
        return self.get_absolute_url() + "?stage=diagnosis"

    @property
    def title(self) -> str:
        """The neutral title: it never gives the diagnosis away."""
        return f"{choice_label(Case.Sex, self.sex)}, {self.age}, {self.presentation}"

    @property
    def cover_key(self) -> uuid.UUID | None:
        """A card's thumbnail: the key of the image case_cards found as its cover, if any."""
        cover = getattr(self, "cover", None)
        return uuid.UUID(cover["key"]) if cover else None

    @property
    def region_tags(self) -> list:
        """A card's region tags, by name in the reader's language (add_card_details reads them)."""
        return sorted(self.card_regions, key=lambda tag: tag.name)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def teaching_point_list(self) -> list[str]:
        return lines(self.teaching_points)

    def build_search_text(self) -> str:
        """What an unknown shows before its diagnosis: the neutral code, presentation,
        history, study descriptions and findings. Search uses this unless the reader chose
        to see diagnoses, so a search never finds a case by its answer."""
        parts = [self.code]
        studies = list(self.studies.all()) if self.pk else []
        for lang, _label in settings.LANGUAGES:
            for field in ("presentation", "history"):
                parts.append(getattr(self, f"{field}_{lang}", "") or "")
            for study in studies:
                for field in ("description", "findings"):
                    parts.append(getattr(study, f"{field}_{lang}", "") or "")
        return fold(" ".join(parts))

    def build_revealed_search_text(self) -> str:
        """The blind text plus the answer: the internal name, the diagnosis's names and
        synonyms, the confirmation, discussion and teaching points."""
        parts = [self.build_search_text(), self.slug.replace("-", " ")]
        diagnosis = self.diagnosis if self.diagnosis_id else None
        for lang, _label in settings.LANGUAGES:
            if diagnosis is not None:
                for field in ("name", "synonyms"):
                    parts.append(getattr(diagnosis, f"{field}_{lang}", "") or "")
            for field in ("confirmation", "discussion", "teaching_points"):
                parts.append(getattr(self, f"{field}_{lang}", "") or "")
        return fold(" ".join(parts))

    def reindex(self) -> None:
        """Refresh the search text once studies have been saved too."""
        self.search_text = self.build_search_text()
        self.search_text_revealed = self.build_revealed_search_text()
        Case.objects.filter(pk=self.pk).update(
            search_text=self.search_text, search_text_revealed=self.search_text_revealed
        )

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = Case.objects.new_code()
        self.search_text = self.build_search_text()
        self.search_text_revealed = self.build_revealed_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text_revealed"}
        super().save(*args, **kwargs)

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or timezone.now()


class TaggedCase(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_cases")
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_case_tag")
        ]


class Study(models.Model):
    """One imaging examination within a case, at one time point."""

    class Modality(models.TextChoices):
        RADIOGRAPH = "XR", _("Radiograph")
        ULTRASOUND = "US", _("Ultrasound")
        CT = "CT", _("CT")
        MR = "MR", _("MRI")
        ANGIOGRAPHY = "XA", _("Angiography / phlebography")
        NUCLEAR = "NM", _("Nuclear medicine")
        OTHER = "OT", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="studies")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    modality = models.CharField(_("modality"), max_length=2, choices=Modality.choices)
    description = models.CharField(
        _("description"), max_length=200, help_text=_("e.g. 'MRI of the right ankle'.")
    )
    time_point = models.CharField(
        _("time point"),
        max_length=50,
        blank=True,
        help_text=_("When the study was done relative to presentation, e.g. 'day +4'."),
    )
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["case", "order", "pk"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        # The modality filter and its counts read only this index.
        indexes = [models.Index(fields=["case", "modality"], name="study_case_modality")]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="unique_study_order")]

    def __str__(self) -> str:
        if self.time_point:
            return f"{self.description} ({self.time_point})"
        return self.description

    @property
    def modality_label(self) -> str:
        return choice_label(Study.Modality, self.modality)


class Image(models.Model):
    """One figure panel of a study, with its caption and alternative text."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="images")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    panel = models.CharField(
        _("panel letter"), max_length=4, blank=True, help_text=_("As printed, e.g. 'a'.")
    )
    plane = models.CharField(
        _("plane or sequence"), max_length=100, blank=True, help_text=_("e.g. 'T1 sagittal'.")
    )
    caption = models.TextField(
        _("caption"), help_text=_("The full caption, shown once the diagnosis is revealed.")
    )
    caption_neutral = models.TextField(
        _("neutral caption"),
        blank=True,
        help_text=_(
            "Shown while the case is read as an unknown: what the image is, never what it "
            "shows the diagnosis to be. Left empty, the panel, modality and plane are used."
        ),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it. Required."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic illustration"),
        default=False,
        help_text=_("A drawn illustration, not patient data."),
    )

    class Pixels(models.TextChoices):
        NONE = "none", _("No pixels yet")
        PROCESSING = "processing", _("Processing")
        HELD = "held", _("Held for review of burned-in text")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # Pixels: everything below is written by the ingest pipeline, not by authors.
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Unguessable identifier used in media addresses."),
    )
    pixels = models.CharField(
        _("pixel status"), max_length=12, choices=Pixels.choices, default=Pixels.NONE
    )
    pixels_reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why processing failed, or why the image is held for review."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    modality = models.CharField(_("DICOM modality"), max_length=16, blank=True)
    frame_count = models.PositiveIntegerField(_("frames"), default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    window_center = models.FloatField(null=True, blank=True)
    window_width = models.FloatField(null=True, blank=True)
    renditions = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Derivative widths by size name, e.g. {'thumb': 320, 'display': 1024}."),
    )
    annotations = models.JSONField(
        _("annotations"),
        default=list,
        blank=True,
        help_text=_(
            "Arrows, circles and labels drawn over the image, in image coordinates from 0 to 1."
        ),
    )

    class Meta:
        ordering = ["study", "order", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        # A card's cover: a study's first ready image.
        indexes = [models.Index(fields=["study", "pixels", "order"], name="image_ready")]
        constraints = [
            models.UniqueConstraint(fields=["study", "order"], name="unique_image_order"),
        ]

    def __str__(self) -> str:
        return f"{self.panel or '·'} {self.plane}".strip()

    @property
    def default_neutral_caption(self) -> str:
        """ "MRI, T1 sagittal." from the study's modality and the plane or sequence; pages
        print the panel letter before it, as before the full caption."""
        parts = [self.study.modality_label]
        if self.plane:
            parts.append(self.plane)
        return ", ".join(parts) + "."

    @property
    def neutral_caption(self) -> str:
        """The caption shown before reveal, in the reader's language: the author's neutral
        one, or the default (never the other language's, nor the full caption)."""
        own = getattr(self, field_for("caption_neutral"), "") or ""
        return own.strip() or self.default_neutral_caption

    @property
    def is_ready(self) -> bool:
        return self.pixels == self.Pixels.READY

    def rendition_url(
        self, size: str = "display", frame: int = 0, preset: str | None = None
    ) -> str:
        """Address of one WebP derivative; a preset other than the file's own adds a suffix."""
        variant = size if preset in (None, "", "file") else f"{size}-{preset}"
        return reverse("media:rendition", args=[self.key, frame, variant])

    def srcset(self, frame: int = 0, preset: str | None = None) -> str:
        """`srcset` value with each size no larger than the source, one entry per width."""
        from cases.dicom.derivatives import DERIVATIVE_SIDES, fitted_size

        if not self.width or not self.height:
            return ""
        entries: dict[int, str] = {}
        for size, side in DERIVATIVE_SIDES.items():
            width = fitted_size(self.width, self.height, side)[0]
            entries.setdefault(width, self.rendition_url(size, frame, preset))
        return ", ".join(f"{url} {width}w" for width, url in entries.items())

    @property
    def preset_names(self) -> list[str]:
        """Windows a reader may choose, "file" (the image's own window) first."""
        from cases.dicom.render import FILE_PRESET, PRESETS

        return [FILE_PRESET, *PRESETS] if self.modality == "CT" else [FILE_PRESET]

    def is_visible_to(self, user) -> bool:
        """Readers see ready images of published cases; staff who may view images, every one."""
        if sees_unreleased_images(user):
            return True
        return self.is_ready and self.study.case.is_published


class SourceFile(models.Model):
    """A de-identified DICOM file kept for staff to download; one per slice of a series."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="sources")
    order = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="dicom/", max_length=200)
    frames = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["image", "order"]
        constraints = [
            models.UniqueConstraint(fields=["image", "order"], name="unique_source_order"),
        ]

    def __str__(self) -> str:
        return f"{self.image_id}/{self.order}"


class UploadBatch(models.Model):
    """Files an author added to a study, kept in a private staging folder until the ingest
    task has read them; what became of each file is recorded here for the author to see."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    study = models.ForeignKey(
        Study, on_delete=models.CASCADE, related_name="upload_batches", verbose_name=_("study")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(
        _("import started at"),
        null=True,
        blank=True,
        help_text=_("When a worker took the batch; one processing for long has lost its worker."),
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=State.choices,
        default=State.PENDING,
        help_text=_("Waiting and processing batches still have their files in staging."),
    )
    staging = models.CharField(
        _("staging folder"),
        max_length=100,
        help_text=_(
            "Private folder under the media root (uploads/…) holding the files as uploaded, "
            "before de-identification; never served, and deleted once they are processed."
        ),
    )
    files = models.JSONField(
        _("staged files"),
        default=list,
        blank=True,
        help_text=_("The staged files in upload order: the name the author gave, and where."),
    )
    results = models.JSONField(
        _("results"),
        default=list,
        blank=True,
        help_text=_("What became of each file: path, status, reason and the new image ids."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.study_id}/{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
