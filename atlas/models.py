from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase

from atlas.lib.text import TRIGRAM, fts5_phrase, search_terms


class FoldedSearchQuerySet(models.QuerySet):
    """Rows with a `search_text` column holding their folded text (see atlas.lib.text.fold)."""

    # The folded columns a trigram index covers, and on SQLite the FTS5 table mirroring them
    # (created with its triggers by a migration). Without them a search scans every row.
    search_columns: tuple[str, ...] = ()
    search_index: str = ""

    def search(self, query: str, *, column: str = "search_text"):
        """Rows whose text holds every word of the query, anywhere in a word, ignoring accents
        and case."""
        terms = search_terms(query)
        qs = self
        if column in self.search_columns and connections[self.db].vendor == "sqlite":
            indexed = [term for term in terms if len(term) >= TRIGRAM]
            if indexed:
                # The column names come from the class, never from the query; the words are
                # one parameter, each quoted as a literal string.
                match = " AND ".join(fts5_phrase(term) for term in indexed)
                sql = f"SELECT rowid FROM {self.search_index} WHERE {column} MATCH %s"
                qs = qs.filter(pk__in=RawSQL(sql, [match]))
            terms = [term for term in terms if len(term) < TRIGRAM]
        # PostgreSQL answers `contains` (LIKE) from its pg_trgm GIN index for words of three
        # characters or more; shorter words, and other databases, scan.
        for term in terms:
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
