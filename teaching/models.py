"""Self-assessment: quizzes of unknown cases, the answers given, and each reader's schedule.

A quiz is a fixed list of questions with a short, shareable code; each reader who takes it
has their own attempt, and an attempt holds at most one answer per question (a database
constraint, so a double submit counts once). Questions keep a copy of their answer's name in
both languages, so a reader's history survives a case that is unpublished or deleted.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atlas.lib.i18n import current_language
from cases.models import Case, Image
from diagnosis.models import Entity, Mechanism

from .lib.live_stages import page_shown

# Codes read like the cases' own: digits and consonants only, so they never spell a word.
CODE_ALPHABET = "23456789bcdfghjkmnpqrstvwxz"


def random_code(prefix: str, length: int = 6) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def unused_code(model, prefix: str, length: int = 6, *, upper: bool = False) -> str:
    """A random code no row of `model` has yet (one query, rarely two)."""
    while True:
        code = random_code(prefix, length)
        code = code.upper() if upper else code
        if not model.objects.filter(code=code).exists():
            return code


class Kind(models.TextChoices):
    """The kinds of question, all built from the atlas's own content."""

    DIAGNOSIS = "diagnosis", _("Diagnosis")
    MECHANISM = "mechanism", _("Mechanism")
    WHERE = "where", _("Where is it?")
    GLOSSARY = "glossary", _("Glossary")


class Confidence(models.TextChoices):
    """How sure the reader was, said before the answer is checked."""

    GUESSING = "guessing", _("Guessing")
    FAIRLY_SURE = "fairly-sure", _("Fairly sure")
    CERTAIN = "certain", _("Certain")


class Feedback(models.TextChoices):
    EACH = "each", _("After each question")
    END = "end", _("At the end")


class CuratedSet(models.Model):
    """A teacher's chosen cases, in order, that residents take as a quiz."""

    code = models.SlugField(_("code"), max_length=16, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_sets",
        verbose_name=_("teacher"),
    )
    cases = models.ManyToManyField(
        Case, through="CuratedSetCase", related_name="curated_sets", verbose_name=_("cases")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("curated set")
        verbose_name_plural = _("curated sets")
        permissions = [("view_results", _("Can see residents' results for curated sets"))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = unused_code(CuratedSet, "set-")
        super().save(*args, **kwargs)


class CuratedSetCase(models.Model):
    curated_set = models.ForeignKey(CuratedSet, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("case in the set")
        verbose_name_plural = _("cases in the set")
        constraints = [
            models.UniqueConstraint(fields=["curated_set", "case"], name="unique_case_per_set"),
        ]

    def __str__(self) -> str:
        return f"{self.curated_set} #{self.position}"


class Quiz(models.Model):
    """A fixed list of questions with a short address that may be shared."""

    class Source(models.TextChoices):
        FILTERS = "filters", _("Atlas filters")
        SET = "set", _("Curated set")
        DUE = "due", _("Review of due cases")

    code = models.SlugField(max_length=16, unique=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    filters = models.JSONField(
        default=dict, blank=True, help_text=_("The filters it was built from.")
    )
    kinds = models.JSONField(default=list, blank=True)
    curated_set = models.ForeignKey(
        CuratedSet, on_delete=models.SET_NULL, null=True, blank=True, related_name="quizzes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("teaching:quiz", args=[self.code])

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = unused_code(Quiz, "q-", 7)
        super().save(*args, **kwargs)


class Question(models.Model):
    """One question of a quiz. The choices and the answer are kept here, in both languages,
    so the page can be drawn and an old answer read without the case."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    image = models.ForeignKey(
        Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The entity the question is about: the case's diagnosis, or the glossary's."),
    )
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prompt = models.JSONField(
        default=dict, blank=True, help_text=_("A glossary question's text, by language.")
    )
    choices = models.JSONField(
        default=list, blank=True, help_text=_('[{"key": slug, "label": {"en": …, "es": …}}]')
    )
    answer_key = models.CharField(max_length=64)
    answer_label = models.JSONField(default=dict)
    region = models.JSONField(
        default=dict, blank=True, help_text=_("For “Where is it?”: the author's region, 0 to 1.")
    )

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="unique_question_position"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.code} #{self.position}"

    def label(self, value: dict | None = None) -> str:
        """A {"en": …, "es": …} text in the reader's language."""
        value = self.answer_label if value is None else value
        return value.get(current_language()) or value.get("en", "")

    @property
    def answer_name(self) -> str:
        return self.label()

    @property
    def prompt_text(self) -> str:
        return self.label(self.prompt) if self.prompt else ""

    def given_label(self, answer) -> str:
        """What the reader answered, in their words: the choice's name, or what they typed."""
        for choice in self.choices:
            if choice["key"] == answer.choice and not answer.text:
                return self.label(choice["label"])
        return answer.text

    def choice_labels(self) -> list[tuple[int, str, str]]:
        """(number shown, key, label) for each choice, numbered from 1."""
        return [
            (number, choice["key"], self.label(choice["label"]))
            for number, choice in enumerate(self.choices, start=1)
        ]


class Attempt(models.Model):
    """One reader's run through a quiz: a signed-in user, or an anonymous session's player."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
    )
    player = models.CharField(
        max_length=32, blank=True, db_index=True, help_text=_("An anonymous session's token.")
    )
    feedback = models.CharField(max_length=4, choices=Feedback.choices, default=Feedback.EACH)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(user__isnull=False),
                name="one_attempt_per_user",
            ),
            models.UniqueConstraint(
                fields=["quiz", "player"],
                condition=~models.Q(player=""),
                name="one_attempt_per_player",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(player=""),
                name="attempt_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.code} · {self.user or self.player}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Answer(models.Model):
    """What a reader answered to one question; the constraint keeps one per attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Copied from the attempt and the question so progress reads one table.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz_answers",
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(max_length=64, blank=True, help_text=_("The key chosen, if any."))
    text = models.CharField(max_length=200, blank=True, help_text=_("A typed answer."))
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    correct = models.BooleanField()
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    seconds = models.PositiveIntegerField(default=0, help_text=_("Time spent on the question."))
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=(models.Q(x__isnull=True) & models.Q(y__isnull=True))
                | (
                    models.Q(x__gte=0)
                    & models.Q(x__lte=1)
                    & models.Q(y__gte=0)
                    & models.Q(y__lte=1)
                ),
                name="answer_point_inside_image",
            ),
        ]
        indexes = [models.Index(fields=["user", "answered_at"], name="answer_user_time")]

    def __str__(self) -> str:
        return f"{self.question} → {self.choice or self.text or 'point'}"


class ReviewCard(models.Model):
    """One reader's FSRS schedule for one case: when to meet it again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    card = models.JSONField(default=dict, help_text=_("The fsrs Card, as its to_dict() gives."))
    due = models.DateTimeField()
    reviews = models.PositiveIntegerField(default=0)
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="one_schedule_per_user_case"),
        ]
        indexes = [models.Index(fields=["user", "due"], name="review_user_due")]

    def __str__(self) -> str:
        return f"{self.user} · {self.case_id} · {self.due:%Y-%m-%d}"


class Learner(models.Model):
    """A resident's choices about their own results."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner"
    )
    shows_name_to_teachers = models.BooleanField(
        _("teachers may see my name"),
        default=False,
        help_text=_("Otherwise a teacher sees your answers to a curated set as anonymous."),
    )

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")

    def __str__(self) -> str:
        return str(self.user)


# -- teaching sessions --------------------------------------------------------------------------


class Playlist(models.Model):
    """A teacher's ordered cases and title slides for a case conference."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private")
        UNLISTED = "unlisted", _("Unlisted (anyone with the link)")
        PUBLIC = "public", _("Public")

    code = models.SlugField(max_length=16, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="playlists",
        verbose_name=_("teacher"),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_playlists",
        verbose_name=_("shared with"),
        help_text=_("Other teachers who may edit this playlist."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("playlist")
        verbose_name_plural = _("playlists")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = unused_code(Playlist, "pl-")
        super().save(*args, **kwargs)


class PlaylistItem(models.Model):
    """One step of a playlist: a case asked as an unknown, or a title or section slide."""

    class Ask(models.TextChoices):
        DIAGNOSIS = Kind.DIAGNOSIS.value, Kind.DIAGNOSIS.label
        MECHANISM = Kind.MECHANISM.value, Kind.MECHANISM.label
        WHERE = Kind.WHERE.value, Kind.WHERE.label
        NONE = "none", _("No question")

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a title or section slide."),
    )
    question = models.CharField(
        _("question asked"), max_length=10, choices=Ask.choices, default=Ask.DIAGNOSIS
    )
    stages = models.JSONField(
        _("stages shown"),
        default=list,
        blank=True,
        help_text=_("Which of history, images, findings and discussion are shown; all if empty."),
    )
    title = models.CharField(_("slide title"), max_length=150, blank=True)
    text = models.TextField(_("slide text"), blank=True)
    notes = models.TextField(_("presenter notes"), blank=True)

    class Meta:
        ordering = ["playlist", "position", "pk"]
        verbose_name = _("playlist step")
        verbose_name_plural = _("playlist steps")
        constraints = [
            models.UniqueConstraint(
                fields=["playlist", "position"], name="unique_playlist_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.playlist} #{self.position}"

    @property
    def is_slide(self) -> bool:
        return self.case_id is None


class LiveSession(models.Model):
    """A playlist shown live: the projector's place in it, and the quiz the room answers.

    Everything the projector, the presenter view and the phones share lives in this row and in
    the quiz's answers, so any number of app processes can serve one session. `version` grows
    with every change of place, so a poll can answer 304 when nothing moved."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="sessions")
    quiz = models.OneToOneField(Quiz, on_delete=models.PROTECT, related_name="live_session")
    code = models.CharField(_("join code"), max_length=8, unique=True, editable=False)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    position = models.PositiveSmallIntegerField(default=1, help_text=_("The playlist step shown."))
    stage = models.PositiveSmallIntegerField(default=0, help_text=_("The step's reveal stage."))
    open_question = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The quiz question phones may answer now, if any.")
    )
    page = models.PositiveSmallIntegerField(
        default=1, help_text=_("The screen of the step's long text the room sees, from 1.")
    )
    pages = models.PositiveSmallIntegerField(
        default=1, help_text=_("How many screens the projector measured the step's text to fill.")
    )
    figure = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The image of the step open large, from 1, if any.")
    )
    frame = models.PositiveIntegerField(
        default=1, help_text=_("The frame of the open image's stack, from 1.")
    )
    preset = models.CharField(
        max_length=16, default="file", help_text=_("The window of the open image.")
    )
    blank = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return f"{self.playlist} · {self.code}"

    @property
    def shown_page(self) -> int:
        return page_shown(self.page, self.pages)

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = unused_code(LiveSession, "", 6, upper=True)
        super().save(*args, **kwargs)
