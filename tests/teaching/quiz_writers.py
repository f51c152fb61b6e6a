"""Many residents answering at once on one SQLite file, through the real pages.

20 signed-in residents take the same 6-question quiz at the same moment, each in a thread of
its own with its own browser session; each sends its first answer twice at once, as a double
tap does. Run by test_concurrent_answers as `python -m tests.teaching.quiz_writers` with
DATABASE_URL naming a fresh file. Prints one line of JSON with what happened.
"""

import json
import os
import threading
import time

RESIDENTS = 20
QUESTIONS = 6


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's hosts and an in-memory outbox
    call_command("migrate", verbosity=0)
    from teaching.models import Answer, ReviewCard
    from tests.builders import make_user
    from tests.teaching.builders import make_glossary, make_quiz_case, quiz_of

    glossary = make_glossary()
    quiz = quiz_of([make_quiz_case(glossary) for _ in range(QUESTIONS)])
    users = [make_user(username=f"resident{n}") for n in range(RESIDENTS)]
    connection.close()

    statuses: list[int] = []
    errors: list[str] = []
    start = threading.Barrier(RESIDENTS * 2)

    def post(client, n):
        response = client.post(
            f"/en/quiz/{quiz.code}/{n}/", {"choice": "1", "confidence": "fairly-sure"}
        )
        statuses.append(response.status_code)

    def resident(client, double: bool) -> None:
        try:
            start.wait()
            post(client, 1)  # both threads of one resident: the double tap
            if not double:
                for n in range(2, QUESTIONS + 1):
                    post(client, n)
        except Exception as error:  # noqa: BLE001 (counted and reported, not hidden)
            errors.append(repr(error))
        finally:
            connection.close()

    threads = []
    for user in users:
        client = Client()
        client.force_login(user)
        client.post(f"/en/quiz/{quiz.code}/start/", {"feedback": "each"})
        twin = Client()
        twin.cookies = client.cookies  # the same session, from a second tap
        threads += [
            threading.Thread(target=resident, args=(client, False)),
            threading.Thread(target=resident, args=(twin, True)),
        ]
    connection.close()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = {
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "requests": len(statuses),
        "not_redirected": sorted({s for s in statuses if s != 302}),
        "errors": errors[:5],
        "locked": sum("locked" in e for e in errors),
        "answers": Answer.objects.count(),
        "expected": RESIDENTS * QUESTIONS,
        "cards": ReviewCard.objects.count(),
        "seconds": round(time.perf_counter() - began, 2),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
