import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.ingest import IMPORTED, REJECTED, FileResult, PathUpload, images_ingest
from cases.models import Case, Image


class Command(BaseCommand):
    help = (
        "Import DICOM files, folders, ZIP archives or PNG/JPEG pictures into a study of a case. "
        "Exits 0 only when every file was imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("case", metavar="CASE_SLUG")
        parser.add_argument("paths", metavar="PATH", nargs="+", type=Path)
        parser.add_argument(
            "--study",
            type=int,
            help="Study number within the case, from 1 (needed when the case has several).",
        )
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")

    def handle(self, *args, case: str, paths: list[Path], study: int | None, **options) -> None:
        target = _study(case, study)
        uploads = list(_uploads(paths))
        if not uploads:
            raise CommandError("No files found under the given paths.")
        bar = _Progress(len(uploads)) if sys.stderr.isatty() and not options["json"] else None
        results = images_ingest(study=target, files=uploads, on_file=bar.advance if bar else None)
        if bar:
            bar.close()
        _fail_unrendered(results)
        if options["json"]:
            self.stdout.write(json.dumps([result.as_dict() for result in results], indent=2))
        else:
            for result in results:
                self.stdout.write(self._line(result))
        failed = sum(result.status == REJECTED for result in results)
        if failed:
            raise CommandError(f"{failed} of {len(results)} file(s) were not imported.")

    def _line(self, result: FileResult) -> str:
        if result.status == IMPORTED:
            ids = ", ".join(str(pk) for pk in result.image_ids)
            return self.style.SUCCESS(f"imported  {result.path}  (image {ids})")
        if result.status == REJECTED:
            return self.style.ERROR(f"rejected  {result.path}: {result.reason}")
        return f"skipped   {result.path}: {result.reason}"


def _fail_unrendered(results: list[FileResult]) -> None:
    """An imported file whose image then failed to render was not imported: say so.

    With the immediate task backend the render has run by now; with a queue the image is
    still processing, and the file counts as imported, its rendering to follow.
    """
    failed = dict(
        Image.objects.filter(
            pk__in=[pk for result in results for pk in result.image_ids],
            pixels=Image.Pixels.FAILED,
        ).values_list("pk", "pixels_reason")
    )
    for result in results:
        reasons = [failed[pk] for pk in result.image_ids if pk in failed]
        if result.status == IMPORTED and reasons:
            result.status = REJECTED
            result.reason = f"stored, but it failed to render: {reasons[0]}"


def _study(slug: str, number: int | None):
    found = Case.objects.at_address(slug).first()
    if found is None:
        raise CommandError(f"No case with the slug {slug!r}.")
    studies = list(found.studies.order_by("order", "pk"))
    if not studies:
        raise CommandError(f"Case {slug!r} has no study; add one in the admin first.")
    if number is None:
        if len(studies) > 1:
            raise CommandError(f"Case {slug!r} has {len(studies)} studies; choose one: --study N.")
        return studies[0]
    if not 1 <= number <= len(studies):
        raise CommandError(f"Case {slug!r} has no study {number} (it has {len(studies)}).")
    return studies[number - 1]


def _uploads(paths: list[Path]):
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if not any(part.startswith(".") for part in relative.parts):
                    yield PathUpload(str(path / relative), child)
        elif path.is_file():
            yield PathUpload(str(path), path)
        else:
            raise CommandError(f"{path} is neither a file nor a folder.")


class _Progress:
    """A one-line bar on the terminal's stderr, so stdout stays one line per file."""

    WIDTH = 30

    def __init__(self, total: int):
        self.total, self.done = total, 0

    def advance(self, result: FileResult) -> None:
        self.done += 1
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} read")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
