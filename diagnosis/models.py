from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from atlas.lib.text import fold, lines
from atlas.models import FoldedSearchQuerySet, SlugManager, Tag


class Mechanism(models.Model):
    """How a calcification forms (dystrophic, metastatic…); the wizard names only these."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    table_heading = models.CharField(
        _("table heading"),
        max_length=100,
        blank=True,
        help_text=_("Column heading in the classification table, as printed; empty for none."),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("diagnosis:glossary") + f"#mechanism-{self.slug}"


class Entity(models.Model):
    """A glossary entry: a disease or group of diseases that can calcify soft tissue."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=150)
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("One synonym or abbreviation per line.")
    )
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.PROTECT, related_name="entities", verbose_name=_("mechanism")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("The broader entity this one is nested under in the poster."),
    )
    printed_label = models.CharField(
        _("printed label"),
        max_length=150,
        blank=True,
        help_text=_(
            "The label exactly as the source prints it, kept visible where it is ambiguous."
        ),
    )
    label_note = models.TextField(
        _("label note"),
        blank=True,
        help_text=_("Why the printed label differs from the entity the atlas means, if it does."),
    )
    definition = models.TextField(_("definition"))
    imaging_features = models.TextField(_("key imaging features"), blank=True)
    typical_sites = models.TextField(_("typical sites"), blank=True)
    laboratory = models.TextField(_("laboratory profile"), blank=True)
    clinical_note = models.TextField(_("clinical note"), blank=True)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related entities")
    )
    table_column = models.ForeignKey(
        Mechanism,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="table_entities",
        verbose_name=_("classification table column"),
        help_text=_("Column of the classification table where this entity is printed, if any."),
    )
    table_row = models.PositiveSmallIntegerField(
        _("classification table row"), null=True, blank=True
    )
    flowchart_branch = models.CharField(
        _("flowchart branch"),
        max_length=200,
        blank=True,
        help_text=_("Where the diagnostic flowchart places it, e.g. 'Laboratory normal → …'."),
    )
    tags = TaggableManager(blank=True, through="diagnosis.TaggedEntity", related_name="entities")
    search_text = models.TextField(editable=False, default="")

    objects = SlugManager.from_queryset(FoldedSearchQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("pk")),
                name="entity_not_its_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("entity", args=[self.slug])

    @property
    def synonym_list(self) -> list[str]:
        return lines(self.synonyms)

    def build_search_text(self) -> str:
        parts = []
        for lang, _label in settings.LANGUAGES:
            for field in ("name", "synonyms", "definition", "imaging_features", "typical_sites"):
                parts.append(getattr(self, f"{field}_{lang}", "") or "")
        parts.append(self.printed_label)
        parts.append(self.slug.replace("-", " "))
        return fold(" ".join(parts))

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)


class TaggedEntity(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_entities")
    content_object = models.ForeignKey(Entity, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_entity_tag")
        ]
