from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from atlas.content import ContentError, content_load


class Command(BaseCommand):
    help = "Load a topic's glossary and cases from a content folder (see fixtures/README.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            counts = content_load(path=path)
        except ContentError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary} from {path}."))
