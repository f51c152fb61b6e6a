"""Background work for the cases app, run through the Django tasks API (django-tasks)."""

from django_tasks import task


@task()
def render_image(image_id: int) -> None:
    """Render an imported image's derivatives; it ends ready, held or failed, never midway."""
    from cases.ingest import image_render

    image_render(image_id)


@task()
def render_images(image_ids: list[int]) -> None:
    """Render the images of one upload together, sharing one pool of threads."""
    from cases.ingest import images_render

    images_render(image_ids)


@task()
def ingest_batch(batch_id: int) -> None:
    """Import the files an author uploaded from the admin, staged by the request."""
    from cases.ingest import batch_ingest

    batch_ingest(batch_id)
