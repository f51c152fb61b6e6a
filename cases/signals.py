"""Signal receivers of the cases app; CasesConfig.ready() connects them."""

from django.core.files.storage import default_storage
from django.db import transaction

from cases.ingest.storage import media_paths
from cases.models import Image


def image_media_delete(sender, instance: Image, **kwargs) -> None:
    """After an image's row is deleted and committed, delete its sources and derivatives."""
    paths = media_paths(instance)

    def delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(delete)
