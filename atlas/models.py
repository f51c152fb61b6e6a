from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase

from atlas.lib.text import fold


class FoldedSearchQuerySet(models.QuerySet):
    """Rows with a `search_text` column holding their folded text (see atlas.lib.text.fold)."""

    def search(self, query: str, *, column: str = "search_text"):
        """Rows whose text holds every word of the query, ignoring accents and case."""
        qs = self
        for term in fold(query).split():
            qs = qs.filter(**{f"{column}__contains": term})
        return qs


class SlugManager(models.Manager):
    """Natural keys by slug, so fixtures and content refer to rows by their slug."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Tag(TagBase):
    """A site-wide tag; its kind lets the case list offer region and pattern filters."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MODALITY = "modality", _("Modality")
        PATTERN = "pattern", _("Pattern")
        TOPIC = "topic", _("Topic")

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.TOPIC,
        help_text=_("Region, modality and pattern tags get their own filter on the case list."),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        key = "region" if self.kind == self.Kind.REGION else "tag"
        return reverse("cases:list") + f"?{key}={self.slug}"
