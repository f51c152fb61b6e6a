from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "atlas"
    verbose_name = _("Atlas")


class AtlasAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the atlas's admin site as admin.site."""

    default = False  # AtlasConfig stays the app config for "atlas"
    default_site = "atlas.admin_site.AtlasAdminSite"
