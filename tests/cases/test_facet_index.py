"""The facet index's memo: under the facets version, renewed only by the tables it reads."""

import threading
import time

import pytest

from atlas.page_cache import part_version
from cases import facet_index as memo
from cases.models import Case, Image
from tests.builders import make_case

pytestmark = pytest.mark.django_db


def test_an_image_write_keeps_the_facets_version_and_a_case_write_renews_it():
    case = make_case()
    before = part_version(memo.FACETS_KEY)
    Image.objects.filter(study__case=case).update(pixels=Image.Pixels.READY)
    assert part_version(memo.FACETS_KEY) == before
    Case.objects.filter(pk=case.pk).update(age=50)
    assert part_version(memo.FACETS_KEY) != before


def test_two_threads_asking_at_once_build_the_index_once(monkeypatch):
    memo.facet_index_clear()
    built = []

    def slow_build(version):
        built.append(version)
        time.sleep(0.2)
        return type("Index", (), {"version": version})()

    monkeypatch.setattr(memo, "facet_index_build", slow_build)
    monkeypatch.setattr(memo, "part_version", lambda key: "v1")
    found = []
    threads = [threading.Thread(target=lambda: found.append(memo.facet_index())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert built == ["v1"] and found[0] is found[1]
    monkeypatch.setattr(memo, "part_version", lambda key: "v2")
    assert memo.facet_index().version == "v2" and built == ["v1", "v2"]
    memo.facet_index_clear()
