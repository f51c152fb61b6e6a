from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from cases.recovery import MISSING_SOURCE, media_reconcile


class Command(BaseCommand):
    help = (
        "Compare the media files with the rows: files no row points to (left by a killed "
        "import, release or write) and source files that are gone. One line per finding, "
        "nothing when all is well. Upload staging folders no batch will read, and batches "
        "whose import died, are found too. With --fix, orphans and stale staging folders are "
        "deleted, images whose sources are gone and interrupted batches are marked failed. "
        "Exit status 0 when storage and rows agree (or every problem was fixed), 1 when "
        "problems were found and not fixed. Safe to run from cron; "
        "files younger than --minutes are never touched (see cases/recovery.py)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help="Repair what is found.")
        parser.add_argument(
            "--minutes",
            type=int,
            default=30,
            help="Leave alone files written in the last N minutes (default: 30), so an "
            "import in progress is not taken for orphans.",
        )

    def handle(self, *args, fix: bool, minutes: int, **options) -> None:
        if minutes < 1:
            raise CommandError("--minutes must be at least 1.")
        report = media_reconcile(older_than=timedelta(minutes=minutes), fix=fix)
        for path in report.orphans:
            self.stdout.write(f"{'deleted ' if fix else ''}orphan: {path}")
        for image_id, paths in report.missing_sources.items():
            for path in paths:
                self.stdout.write(f"image {image_id}: missing source: {path}")
            if fix:
                self.stdout.write(f"image {image_id}: failed: {MISSING_SOURCE}")
        for folder in report.stale_uploads:
            self.stdout.write(f"{'deleted ' if fix else ''}stale upload folder: {folder}")
        for batch_id in report.stuck_batches:
            done = "failed, its staged files deleted" if fix else "its import was interrupted"
            self.stdout.write(f"upload batch {batch_id}: {done}")
        for image_id, paths in report.missing_renditions.items():
            done = "rendered again" if fix else "they are rendered on first request"
            self.stdout.write(f"image {image_id}: {len(paths)} derivative(s) missing; {done}")
        if report.problems and not fix:
            raise CommandError(
                f"{report.problems} problem(s) found; run with --fix to repair them.",
                returncode=1,
            )
