"""Cases made before neutral addresses get a code from the data migration, and lose the
slug (which names the diagnosis) from their blind search text; run on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Case, is_case_code

BEFORE = ("cases", "0002_upload_batch")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_cases_get_a_unique_neutral_code_and_a_blind_search_text():
    old = migrate([BEFORE]).loader.project_state([BEFORE], at_end=True).apps
    Mechanism = old.get_model("diagnosis", "Mechanism")
    Entity = old.get_model("diagnosis", "Entity")
    OldCase = old.get_model("cases", "Case")
    OldStudy = old.get_model("cases", "Study")
    mechanism = Mechanism.objects.create(slug="metabolic", name_en="Metabolic", name_es="M")
    gout = Entity.objects.create(
        slug="tophaceous-gout",
        name_en="Tophaceous gout",
        name_es="Gota tofácea",
        synonyms_en="Gouty tophi",
        mechanism=mechanism,
    )
    for slug in ("tophaceous-gout-forearm", "tophaceous-gout-hand"):
        case = OldCase.objects.create(
            slug=slug,
            age=67,
            sex="M",
            presentation_en="swollen forearm",
            history_en="Swelling of the right upper limb.",
            discussion_en="Tophi are deposits of urate.",
            diagnosis=gout,
            certainty="clinical",
            search_text="tophaceous gout forearm swelling",
        )
        OldStudy.objects.create(case=case, order=1, modality="CT", description_en="CT")

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    cases = list(Case.objects.order_by("slug"))
    codes = [case.code for case in cases]
    assert all(is_case_code(code) for code in codes) and len(set(codes)) == 2
    assert Case.objects.search("gout").count() == 0
    assert Case.objects.search("swelling").count() == 2
    assert Case.objects.search_revealed("gota tofacea").count() == 2
    assert Case.objects.search_revealed("urate").count() == 2
    # The old address still finds the case, the new one names nothing.
    assert Case.objects.at_address("tophaceous-gout-forearm").get().code == codes[0]
