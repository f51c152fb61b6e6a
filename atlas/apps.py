from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "atlas"
    verbose_name = _("Atlas")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from atlas.page_cache import install_watch, request_ended, saved

        # Every connection reports its writes to content tables, whatever wrote them, so the
        # page cache's content version is renewed (atlas/page_cache.py).
        connection_created.connect(install_watch, dispatch_uid="atlas-page-cache")
        post_save.connect(saved, dispatch_uid="atlas-page-cache")
        request_finished.connect(request_ended, dispatch_uid="atlas-page-cache")


class AtlasAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the atlas's admin site as admin.site."""

    default = False  # AtlasConfig stays the app config for "atlas"
    default_site = "atlas.admin_site.AtlasAdminSite"
