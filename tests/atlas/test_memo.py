"""The per-process memo under a shared version (atlas.lib.memo)."""

import threading
import time

from atlas.lib.memo import VersionedSlot


def test_a_value_is_built_once_per_version_and_replaced_by_the_next():
    slot, built = VersionedSlot(), []

    def build(value):
        built.append(value)
        return value

    assert slot.get("v1", lambda: build("first")) == "first"
    assert slot.get("v1", lambda: build("again")) == "first"
    assert slot.get("v2", lambda: build("second")) == "second"
    # One slot: going back to the old version builds again.
    assert slot.get("v1", lambda: build("third")) == "third"
    assert built == ["first", "second", "third"]


def test_without_a_version_nothing_is_kept():
    slot = VersionedSlot()
    assert slot.get(None, lambda: 1) == 1
    assert slot.get(None, lambda: 2) == 2
    slot.get("v1", lambda: 3)
    slot.clear()
    assert slot.get("v1", lambda: 4) == 4


def test_two_threads_asking_at_once_build_once():
    slot, calls = VersionedSlot(), []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return object()

    found = []
    threads = [threading.Thread(target=lambda: found.append(slot.get("v", slow))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and found[0] is found[1]
