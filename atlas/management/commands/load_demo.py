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
        if not no_admin:
            self._ensure_admin()

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
