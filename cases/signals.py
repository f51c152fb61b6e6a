"""Signal receivers of the cases app; CasesConfig.ready() connects them."""

from django.db import transaction

from cases.ingest.storage import files_delete, media_paths
from cases.models import Image


def image_media_delete(sender, instance: Image, **kwargs) -> None:
    """After an image's row is deleted and committed, delete its sources and derivatives."""
    paths = media_paths(instance)
    transaction.on_commit(lambda: files_delete(paths))
