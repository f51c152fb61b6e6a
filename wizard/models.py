"""The differential-diagnosis wizard's knowledge base, as editors keep it in the admin.

These rows are what ``wizard.snapshot`` turns into a ``wizard.knowledge.KnowledgeBase``. Every
save or delete of one of them (and of a glossary Entity or Mechanism, whose names and slugs the
wizard shows) gives ``KnowledgeVersion`` a new token, so each process rebuilds its cached copy.

The models were born in the ``diagnosis`` app and keep its tables (``db_table``), so moving
them here moved no data; see ``wizard/migrations/0001_initial.py``.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from diagnosis.models import Entity, Mechanism

from .knowledge import LR_MAX, LR_MIN

CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$",
    _("Use lowercase letters, digits and hyphens, in dotted parts, e.g. lab.calcium.high."),
)


class QuestionGroup(models.Model):
    """A wizard step: the questions asked together, such as the laboratory values."""

    key = models.SlugField(
        _("key"), unique=True, help_text=_("Stable identifier used in wizard addresses.")
    )
    label = models.CharField(_("label"), max_length=100, help_text=_("The step's title."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Steps are asked in this order.")
    )

    class Meta:
        db_table = "diagnosis_questiongroup"
        ordering = ["order", "key"]
        verbose_name = _("question group")
        verbose_name_plural = _("question groups")

    def __str__(self) -> str:
        return self.label


class Question(models.Model):
    """One question of a step; its answers are findings."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer (the answers exclude one another)")
        MULTI = "multi", _("Any number of answers (a checklist)")

    key = models.CharField(
        _("key"),
        max_length=60,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("Stable identifier, e.g. lab.calcium."),
    )
    group = models.ForeignKey(
        QuestionGroup,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("step"),
        help_text=_("The wizard step that asks this question."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=6,
        choices=Kind.choices,
        help_text=_("A single-choice question's base rates must add up to one."),
    )
    text = models.CharField(_("text"), max_length=200, help_text=_("The question as asked."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order within its step.")
    )
    cost = models.FloatField(
        _("cost"),
        default=1,
        help_text=_(
            "The relative effort of getting the answer: 1 for most questions, less for a cheap "
            "and objective one such as a blood test. The wizard suggests the question that "
            "tells most per unit of cost."
        ),
    )

    class Meta:
        db_table = "diagnosis_question"
        ordering = ["group__order", "order", "key"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gt=0),
                name="question_cost_positive",
                violation_error_message=_("The cost must be a positive number."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Finding(models.Model):
    """One answer to one question, the thing a resident ticks; its code never changes."""

    code = models.CharField(
        _("code"),
        max_length=80,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_(
            "Stable identifier used in links and the API, e.g. lab.calcium.high. "
            "Changing it breaks bookmarks."
        ),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("question"),
        help_text=_("The question this finding answers."),
    )
    label = models.CharField(_("label"), max_length=200, help_text=_("The answer as shown."))
    base = models.FloatField(
        _("base rate"),
        help_text=_(
            "How often this answer is seen among all patients with a soft-tissue calcification, "
            "between 0 and 1."
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order among the question's answers.")
    )
    cases = models.ManyToManyField(
        "cases.Case",
        through="CaseFinding",
        blank=True,
        related_name="findings",
        verbose_name=_("cases"),
        help_text=_("Cases that show this finding; “Open in the wizard” pre-fills them."),
    )

    class Meta:
        db_table = "diagnosis_finding"
        ordering = ["question__group__order", "question__order", "question__key", "order", "code"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base__gt=0, base__lte=1), name="finding_base_is_a_probability"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def clean(self) -> None:
        # A weight's lr × base is the probability of the answer given the entity.
        if self.base and self.pk:
            top = self.weights.aggregate(top=models.Max("lr"))["top"]
            if top and top * self.base > 1 + 1e-9:
                raise ValidationError(
                    {
                        "base": _(
                            "A weight of %(lr)s on this finding would make a probability above "
                            "one with this base rate."
                        )
                        % {"lr": f"{top:g}"}
                    }
                )


class CaseFinding(models.Model):
    """A finding recorded for a case, so the wizard can be opened with it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="case_findings", verbose_name=_("case")
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="case_findings", verbose_name=_("finding")
    )
    assumed = models.BooleanField(
        _("assumed"),
        default=False,
        help_text=_(
            "Not stated by the source; entered so the flowchart can take its branch "
            "(the wizard says so when it pre-fills it)."
        ),
    )

    class Meta:
        db_table = "diagnosis_casefinding"
        ordering = ["finding__question__group__order", "finding__question__order", "finding__order"]
        verbose_name = _("case finding")
        verbose_name_plural = _("case findings")
        constraints = [
            models.UniqueConstraint(fields=["case", "finding"], name="unique_case_finding"),
        ]

    def __str__(self) -> str:
        return self.finding.code


class FlowchartNode(models.Model):
    """A node of the poster's diagnostic algorithm, drawn by the wizard with the path taken."""

    key = models.SlugField(
        _("key"), unique=True, help_text=_("Stable identifier, e.g. lab-altered.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("Empty for the root; the flowchart has exactly one root."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Siblings are tried in this order; the first one an answer selects is taken."),
    )
    label = models.CharField(_("label"), max_length=120, help_text=_("The node's text."))
    note = models.TextField(
        _("note"), blank=True, help_text=_("How this node reads the poster, where it needs saying.")
    )
    mechanism = models.ForeignKey(
        Mechanism,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flowchart_nodes",
        verbose_name=_("mechanism"),
        help_text=_("Set on the node that opens a mechanism's branch."),
    )
    select = models.ManyToManyField(
        Finding,
        blank=True,
        related_name="flowchart_nodes",
        verbose_name=_("selecting findings"),
        help_text=_(
            "The node is taken when any of these is answered; with none it is always taken "
            "(and must then be its parent's only child)."
        ),
    )
    entities = models.ManyToManyField(
        Entity,
        blank=True,
        related_name="flowchart_nodes",
        verbose_name=_("entities printed here"),
        help_text=_("Only on leaves: the entities the poster prints at this node."),
    )
    printed_profiles = models.JSONField(
        _("printed profiles"),
        default=list,
        blank=True,
        help_text=_(
            "Laboratory profiles the poster prints at this node, as lists of finding codes, e.g. "
            '[["lab.calcium.normal", "lab.phosphate.high"]].'
        ),
    )

    class Meta:
        db_table = "diagnosis_flowchartnode"
        ordering = ["order", "key"]
        verbose_name = _("flowchart node")
        verbose_name_plural = _("flowchart nodes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("pk")),
                name="flowchart_node_not_its_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        profiles = self.printed_profiles
        if not isinstance(profiles, list) or not all(
            isinstance(p, list) and all(isinstance(c, str) for c in p) for p in profiles
        ):
            raise ValidationError({"printed_profiles": _("Give a list of lists of finding codes.")})
        known = set(
            Finding.objects.filter(code__in=[c for p in profiles for c in p]).values_list(
                "code", flat=True
            )
        )
        unknown = sorted({c for p in profiles for c in p} - known)
        if unknown:
            raise ValidationError(
                {
                    "printed_profiles": _("Unknown finding codes: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("A node cannot sit under itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class EntityPrior(models.Model):
    """An entity's place in the wizard: how common it is, and where the flowchart files it."""

    entity = models.OneToOneField(
        Entity,
        on_delete=models.CASCADE,
        related_name="ddx",
        verbose_name=_("entity"),
        help_text=_("Only entities with a prior are ranked by the wizard."),
    )
    prior = models.FloatField(
        _("prior"),
        help_text=_(
            "How common the entity is among patients with a soft-tissue calcification, as a "
            "relative weight (e.g. per thousand); the wizard normalises the priors."
        ),
    )
    tree_node = models.ForeignKey(
        FlowchartNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_entities",
        verbose_name=_("filed under"),
        help_text=_(
            "For an entity the flowchart does not print: the node the atlas files it under. "
            "Leave empty for entities printed at a leaf."
        ),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why the entity is filed where it is, for editors.")
    )

    class Meta:
        db_table = "diagnosis_entityprior"
        ordering = ["entity__name"]
        verbose_name = _("prior")
        verbose_name_plural = _("priors")
        constraints = [
            models.CheckConstraint(condition=models.Q(prior__gt=0), name="prior_is_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}: {self.prior:g}"


class Reference(models.Model):
    """A source that the knowledge base's weights cite, printed with them on entity pages."""

    key = models.SlugField(
        _("key"), max_length=80, unique=True, help_text=_("Stable identifier, e.g. banks-2005.")
    )
    text = models.TextField(_("citation"), help_text=_("The full citation, as printed."))

    class Meta:
        ordering = ["key"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return self.key


class FindingWeight(models.Model):
    """How much a finding speaks for (above 1) or against (below 1) an entity."""

    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        related_name="finding_weights",
        verbose_name=_("entity"),
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="weights", verbose_name=_("finding")
    )
    lr = models.FloatField(
        _("likelihood ratio"),
        validators=[MinValueValidator(LR_MIN), MaxValueValidator(LR_MAX)],
        help_text=_(
            "How many times more often the finding is seen with this entity than in all "
            "patients with a soft-tissue calcification: 3 for three times as often, 0.2 for a "
            "fifth as often, 1 for no effect."
        ),
    )
    why = models.TextField(
        _("why"), blank=True, help_text=_("The reason for the figure, shown to residents.")
    )
    reference = models.ForeignKey(
        Reference,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weights",
        verbose_name=_("reference"),
        help_text=_("Where the figure comes from, if one source gives it."),
    )

    class Meta:
        db_table = "diagnosis_findingweight"
        ordering = ["entity__name", "finding__code"]
        verbose_name = _("finding weight")
        verbose_name_plural = _("finding weights")
        constraints = [
            models.UniqueConstraint(fields=["entity", "finding"], name="unique_finding_weight"),
            models.CheckConstraint(
                condition=models.Q(lr__gte=LR_MIN, lr__lte=LR_MAX),
                name="finding_weight_lr_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding.code} × {self.lr:g}"

    def clean(self) -> None:
        if self.finding_id and self.lr and self.lr * self.finding.base > 1 + 1e-9:
            raise ValidationError(
                {
                    "lr": _(
                        "%(lr)s times the finding's base rate %(base)s is a probability above "
                        "one; at most %(most)s."
                    )
                    % {
                        "lr": f"{self.lr:g}",
                        "base": f"{self.finding.base:g}",
                        "most": f"{1 / self.finding.base:.3g}",
                    }
                }
            )


class Contradiction(models.Model):
    """Two findings that should not both be answered; the wizard allows it and says so."""

    first = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="+", verbose_name=_("first finding")
    )
    second = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="+", verbose_name=_("second finding")
    )
    why = models.CharField(
        _("why"), max_length=300, help_text=_("What the wizard tells the resident.")
    )

    class Meta:
        db_table = "diagnosis_contradiction"
        ordering = ["first__code", "second__code"]
        verbose_name = _("contradiction")
        verbose_name_plural = _("contradictions")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_contradiction"),
            models.CheckConstraint(
                condition=~models.Q(first=models.F("second")),
                name="contradiction_needs_two_findings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first.code} ≠ {self.second.code}"

    def clean(self) -> None:
        if (
            self.first_id
            and self.second_id
            and Contradiction.objects.filter(first=self.second_id, second=self.first_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(_("This pair is already declared the other way round."))


class RetiredFinding(models.Model):
    """A finding code that was split into more precise findings.

    It is no longer an answer, but addresses and API calls that still use it keep working: the
    wizard reads it as its parts and says so.
    """

    code = models.CharField(
        _("code"),
        max_length=80,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("The old code, as bookmarks and API calls may still use it."),
    )
    into = models.ManyToManyField(
        Finding,
        related_name="replaces",
        verbose_name=_("split into"),
        help_text=_("The findings that now say what the old code said."),
    )
    why = models.CharField(
        _("why"),
        max_length=300,
        blank=True,
        help_text=_("Why the code was split, as the wizard tells the resident."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("retired finding")
        verbose_name_plural = _("retired findings")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.code and Finding.objects.filter(code=self.code).exists():
            raise ValidationError(
                {"code": _("A live finding has this code; a retired code must not be an answer.")}
            )


class KnowledgeVersion(models.Model):
    """One row whose token changes whenever the knowledge base does; caches key on it."""

    token = models.CharField(max_length=32, help_text=_("Random; new at every change."))

    class Meta:
        db_table = "diagnosis_knowledgeversion"
        verbose_name = _("knowledge-base version")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> str:
        """Give the knowledge base a new version token (a random one, so rollbacks are safe)."""
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
        return token

    @classmethod
    def current(cls) -> str | None:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first()


def _knowledge_changed(sender, raw: bool = False, **kwargs) -> None:
    KnowledgeVersion.bump()


def _knowledge_m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        KnowledgeVersion.bump()


for _model in (
    Mechanism,
    Entity,
    QuestionGroup,
    Question,
    Finding,
    FlowchartNode,
    EntityPrior,
    FindingWeight,
    Reference,
    Contradiction,
    RetiredFinding,
):
    for _signal in (post_save, post_delete):
        _signal.connect(_knowledge_changed, sender=_model, dispatch_uid=f"kb-{_model.__name__}")
for _through in (
    FlowchartNode.select.through,
    FlowchartNode.entities.through,
    RetiredFinding.into.through,
):
    m2m_changed.connect(_knowledge_m2m_changed, sender=_through, dispatch_uid=f"kb-{_through}")
