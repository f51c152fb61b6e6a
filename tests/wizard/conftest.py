"""The fixtures the wizard's tests share, each defined once."""

from pathlib import Path

import pytest
from django.db import transaction

from atlas.content import content_load
from tests.builders import make_case
from tests.wizard.builders import make_knowledge_base, record_findings
from wizard.knowledge import KnowledgeBase
from wizard.snapshot import knowledge_cache_clear

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "calcifications"


@pytest.fixture(autouse=True)
def fresh_cache():
    """No test sees a knowledge base another test cached in this process."""
    knowledge_cache_clear()
    yield
    knowledge_cache_clear()


@pytest.fixture(scope="session")
def demo() -> KnowledgeBase:
    """The demo knowledge base as the JSON fixture holds it; no database."""
    return KnowledgeBase.from_json()


@pytest.fixture
def kb(db):
    """The small knowledge base in the database (transactional where the test is marked so);
    its entities by slug."""
    return make_knowledge_base()


@pytest.fixture
def gout_case(kb):
    """A published gout case with three findings recorded, one of them assumed."""
    case = make_case(diagnosis=kb["tophaceous-gout"], age=67, sex="M")
    case.presentation_en = "swollen forearm"
    case.save()
    record_findings(case, "hx.gout", "site.articular", assumed=["lab.urate.high"])
    return case


@pytest.fixture(scope="module")
def demo_atlas(django_db_setup, django_db_blocker):
    """The demo atlas loaded once for the module, as `make run` loads it; each test runs in a
    savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        knowledge_cache_clear()
        content_load(path=DEMO)
        yield
        transaction.set_rollback(True)
    knowledge_cache_clear()
