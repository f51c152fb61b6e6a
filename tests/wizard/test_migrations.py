"""Moving the knowledge base from diagnosis to wizard moved no data: a database migrated from
before the move keeps its rows, its many-to-many links and its admin permissions."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wizard.models import Finding, FlowchartNode, QuestionGroup

OLD = ("diagnosis", "0002_wizard_knowledge_base")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_knowledge_base_rows():
    old = migrate([OLD, ("wizard", None)]).loader.project_state([OLD], at_end=True).apps
    # Rows written through the models as diagnosis 0002 knew them.
    OldGroup = old.get_model("diagnosis", "QuestionGroup")
    OldQuestion = old.get_model("diagnosis", "Question")
    OldFinding = old.get_model("diagnosis", "Finding")
    OldNode = old.get_model("diagnosis", "FlowchartNode")
    group = OldGroup.objects.create(key="laboratory", label_en="Laboratory", label_es="Analítica")
    question = OldQuestion.objects.create(key="lab.calcium", group=group, kind="single")
    finding = OldFinding.objects.create(code="lab.calcium.high", question=question, base=0.1)
    node = OldNode.objects.create(key="lab-altered", label_en="Altered", label_es="Alterada")
    node.select.add(finding)
    old_type = ContentType.objects.get(app_label="diagnosis", model="finding")
    # As a partial `migrate` leaves it: post_migrate has made a second, empty type.
    ContentType.objects.get_or_create(app_label="wizard", model="finding")

    try:
        migrate(leaf_nodes())
    finally:
        ContentType.objects.clear_cache()

    assert QuestionGroup.objects.get(key="laboratory").label_es == "Analítica"
    assert Finding.objects.get(code="lab.calcium.high").question.key == "lab.calcium"
    moved = FlowchartNode.objects.get(key="lab-altered")
    assert list(moved.select.values_list("code", flat=True)) == ["lab.calcium.high"]
    # The content type, and with it every permission and admin log entry, moved along.
    assert ContentType.objects.get(pk=old_type.pk).app_label == "wizard"
    assert ContentType.objects.get_for_model(Finding).pk == old_type.pk
