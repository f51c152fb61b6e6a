"""Server time and query count of the main pages, on the demo atlas plus padding cases.

Run: .venv/bin/python bench/page_timings.py [--extra-cases N] [--repeat R]
Uses a throwaway SQLite database; prints medians and p90 in milliseconds, and query counts.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra-cases", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-admin", stdout=open(os.devnull, "w"))
    from cases.models import Case

    template = Case.objects.prefetch_related("studies__images").get(slug="tumoral-calcinosis-elbow")
    for n in range(args.extra_cases):
        studies = list(template.studies.all())
        tags = list(template.tags.all())
        case = Case.objects.get(pk=template.pk)
        case.pk = None
        case.slug = f"padding-{n}"
        case.code = ""  # save() gives the copy a public code of its own
        case.save()
        case.tags.set(tags)
        for study in studies:
            images = list(study.images.all())
            study.pk = None
            study.case = case
            study.save()
            for image in images:
                image.pk = None
                image.key = uuid.uuid4()
                image.study = study
                image.save()

    client = Client()
    gout = Case.objects.get(slug="tophaceous-gout-forearm").get_absolute_url()
    pages = {
        "home": "/en/",
        "case list": "/en/cases/",
        "case list, 2 filters": "/en/cases/?mechanism=idiopathic&sex=F",
        "case page": gout,
        "case page, revealed": f"{gout}?reveal=1",
        "glossary": "/en/glossary/",
        "entity page": "/en/glossary/tumoral-calcinosis/",
        "search": "/en/search/?q=calcificacion",
        "image viewer": None,
        "wizard, 2 answers": "/en/wizard/?f=lab.calcium.normal&f=hx.gout&step=site",
    }
    print(f"{Case.objects.count()} cases in the database; {args.repeat} requests per page")
    print(f"{'page':24} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    hip = Case.objects.get(slug="heterotopic-ossification-hip")
    viewer = hip.studies.first().images.first()
    pages["image viewer"] = f"{hip.get_absolute_url()}images/{viewer.key}/?frame=1"
    for name, url in pages.items():
        client.get(url)  # warm caches and template loading
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:24} {statistics.median(times):10.2f} {p90:8.2f} {len(queries):8d}")


if __name__ == "__main__":
    main()
