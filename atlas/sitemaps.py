from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import Case
from diagnosis.models import Entity


class StaticSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self) -> list[str]:
        return [
            "home",
            "cases:list",
            "diagnosis:glossary",
            "classification",
            "wizard:wizard",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class CaseSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Case.objects.published().order_by("code")

    def lastmod(self, case: Case):
        return case.updated_at


class EntitySitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Entity.objects.order_by("slug")


SITEMAPS = {"pages": StaticSitemap, "cases": CaseSitemap, "glossary": EntitySitemap}
