"""W on the projector: the poster's flowchart with the path to the case's diagnosis, on the page
only once the answer is revealed."""

import pytest

from cases.models import Case
from teaching.live_services import live_session_go
from tests.wizard.builders import make_knowledge_base

from .live_builders import host_client, make_live

pytestmark = pytest.mark.django_db


def gout_session():
    session = make_live()
    entities = make_knowledge_base()
    case = session.playlist.items.get(position=2).case
    Case.objects.filter(pk=case.pk).update(diagnosis=entities["tophaceous-gout"])
    return session


def test_the_flowchart_and_its_path_appear_only_after_the_reveal():
    session = gout_session()
    host = host_client(session)
    live_session_go(session=session, action="goto", number=2)
    stages = []
    while True:
        session.refresh_from_db()
        response = host.get(f"/en/live/{session.code}/present/")
        stage = response.context["stage"]
        page = response.content.decode()
        state = host.get(f"/en/live/{session.code}/state/").content.decode()
        if stage in ("answer", "findings"):
            break
        stages.append(stage)
        assert 'id="flowchart"' not in page and "on-path" not in page, stage
        assert "flow" not in state
        live_session_go(session=session, action="next")
    assert stages == ["history", "images", "question"]
    assert 'id="flowchart"' in page
    chart = page[page.index('id="flowchart"') :]
    # The path ends at the leaf that lists the diagnosis, which is printed in bold.
    assert 'class="flow-node on-path path-end flow-node--metastatic"' in chart
    assert 'class="flow-lead" data-entity="tophaceous-gout"' in chart


def test_an_atlas_without_a_knowledge_base_reveals_the_answer_without_a_flowchart():
    session = make_live()  # no knowledge base at all: the snapshot cannot be built
    live_session_go(session=session, action="goto", number=2)
    live_session_go(session=session, action="reveal")
    page = host_client(session).get(f"/en/live/{session.code}/present/").content.decode()
    assert 'class="bar bar--correct"' in page
    assert 'id="flowchart"' not in page
