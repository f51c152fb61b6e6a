import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_CONTENT = Path(settings.BASE_DIR) / "fixtures" / "calcifications"
PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = "Load the demo atlas (the poster's glossary and cases) and make sure an admin exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create the demo admin account."
        )

    def handle(self, *args, no_admin: bool = False, **options) -> None:
        call_command("load_content", DEMO_CONTENT, stdout=self.stdout)
        self._ingest_images(DEMO_CONTENT / "images")
        if not no_admin:
            self._ensure_admin()
        self._load_playlists(DEMO_CONTENT / "playlists.json")

    def _ingest_images(self, folder: Path) -> None:
        """Give each demo image its pixels through the ordinary pipeline; skip ready ones."""
        from cases.ingest import REJECTED, MemoryUpload, image_ingest
        from cases.models import Image

        manifest = json.loads((folder / "manifest.json").read_text())
        imported = skipped = 0
        for name, entry in manifest.items():
            image = (
                Image.objects.select_related("study__case")
                .filter(
                    study__case__slug=entry["case"],
                    study__order=entry["study"],
                    order=entry["image"],
                )
                .first()
            )
            if image is None:
                self.stderr.write(f"No image row for {name}: not imported.")
                continue
            if image.is_ready:
                skipped += 1
                continue
            upload = MemoryUpload(name, (folder / name).read_bytes())
            results = image_ingest(image=image, files=[upload], synthetic=True)
            for result in results:
                if result.status == REJECTED:
                    self.stderr.write(f"{name} rejected: {result.reason}")
                else:
                    imported += 1
        self.stdout.write(f"Demo images: {imported} imported, {skipped} already ready.")

    def _load_playlists(self, path: Path) -> None:
        """The demo's public playlists, owned by the demo admin when there is one."""
        from teaching.playlist_services import playlists_load

        if not path.exists():
            return
        owner = get_user_model().objects.filter(username="admin", is_superuser=True).first()
        loaded = playlists_load(data=json.loads(path.read_text(encoding="utf-8")), owner=owner)
        self.stdout.write(f"Demo playlists: {loaded}.")

    def _ensure_admin(self) -> None:
        """Create user "admin" once, with a random password kept in .admin-password."""
        user_model = get_user_model()
        if user_model.objects.filter(username="admin").exists():
            if PASSWORD_FILE.exists():
                self.stdout.write(f"Admin login: admin / {PASSWORD_FILE.read_text().strip()}")
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", "", password)
        PASSWORD_FILE.write_text(password + "\n")
        PASSWORD_FILE.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Admin login created: admin / {password}"))
        self.stdout.write(f"(The password is kept in {PASSWORD_FILE}.)")
