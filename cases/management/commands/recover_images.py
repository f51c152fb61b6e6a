from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from cases.models import Image
from cases.recovery import images_recover_stuck


class Command(BaseCommand):
    help = (
        "Fail, or queue again, images left 'processing' by a render that stopped: one line per "
        "image changed, nothing when all is well. Safe to run from cron (see cases/recovery.py)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=30,
            help="Only images none of whose files changed for this long (default: 30).",
        )

    def handle(self, *args, minutes: int, **options) -> None:
        if minutes < 1:
            raise CommandError("--minutes must be at least 1.")
        ids = images_recover_stuck(older_than=timedelta(minutes=minutes))
        for image in Image.objects.filter(pk__in=ids).order_by("pk"):
            if image.pixels == Image.Pixels.PROCESSING:
                self.stdout.write(f"image {image.pk}: queued for rendering again")
            else:
                reason = f": {image.pixels_reason}" if image.pixels_reason else ""
                self.stdout.write(f"image {image.pk}: {image.pixels}{reason}")
