from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from teaching import live_views

from . import views
from .page_cache import public_page
from .sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("img/", include("cases.media_urls")),
    path("api/ddx/", include("wizard.api_urls")),
    # The short address the projector shows and its QR code holds: /j/CODE.
    path("j/<str:code>", live_views.live_short, name="live-short"),
]

urlpatterns += i18n_patterns(
    path("", public_page(views.home), name="home"),
    path("search/", public_page(views.search), name="search"),
    path("diagnoses/", views.diagnoses_preference, name="diagnoses"),
    path("theme/", views.theme_preference, name="theme"),
    path("cases/", include("cases.urls")),
    path("glossary/", include("diagnosis.urls")),
    # The site's pages under /glossary/ read the glossary with cases or the wizard; the
    # classification comes before the entity's slug, which would take "classification".
    path("glossary/classification/", public_page(views.classification), name="classification"),
    path("glossary/<slug:slug>/", public_page(views.entity_detail), name="entity"),
    path("wizard/", include("wizard.urls")),
    path("quiz/", include("teaching.urls")),
    path("account/", include("teaching.account_urls")),
    path("playlists/", include("teaching.playlist_urls")),
    path("live/", include("teaching.live_urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# MEDIA_ROOT is never served as it is, not even with DEBUG: it holds de-identified DICOM and
# drafts' images, which only cases.media_views may hand out after checking permission.

handler404 = "atlas.views.page_not_found"
