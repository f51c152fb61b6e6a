"""Many writers on one SQLite file: 20 threads, each reading a row and saving it 10 times.

Run by test_sqlite_writers as `python -m tests.atlas.sqlite_writers` with DATABASE_URL naming a
fresh file, so the database is configured by atlas.settings exactly as the site's is. Prints
one line of JSON with what happened.
"""

import json
import os
import threading
import time

THREADS = 20
SAVES = 10


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection, transaction

    from diagnosis.models import Mechanism

    call_command("migrate", verbosity=0)
    pk = Mechanism.objects.create(slug="counter", name_en="Counter", name_es="Contador").pk
    journal_mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def writer() -> None:
        start.wait()
        try:
            for _ in range(SAVES):
                try:
                    # What an admin save does: read the row, change it, write it back.
                    with transaction.atomic():
                        mechanism = Mechanism.objects.get(pk=pk)
                        mechanism.order += 1
                        mechanism.save(update_fields=["order"])
                except OperationalError as error:
                    errors.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    report = {
        "journal_mode": journal_mode,
        "transactions": THREADS * SAVES,
        "errors": len(errors),
        "locked": sum("database is locked" in error for error in errors),
        "final": Mechanism.objects.get(pk=pk).order,
        "seconds": round(seconds, 2),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
