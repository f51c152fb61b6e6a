from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Here, not in the admin: an image deleted from the shell, a command or a cascade
        # must take its files with it too.
        from atlas.page_cache import part_version_watch

        from .facet_index import FACETS_KEY, facet_tables
        from .models import Image
        from .signals import image_media_delete

        # In every process, not only those that serve the case list: a write from the admin,
        # a command or the task worker must renew the facets version the servers' memos use.
        part_version_watch(FACETS_KEY, facet_tables)

        post_delete.connect(
            image_media_delete, sender=Image, dispatch_uid="cases.signals.image_media_delete"
        )
