"""Opening the wizard from a case page, with the findings recorded for that case."""

import pytest

from cases.models import Case
from tests.builders import make_case
from tests.wizard.builders import make_knowledge_base

pytestmark = pytest.mark.django_db


def test_the_case_opens_the_wizard_results_with_its_findings(client, gout_case):
    response = client.get(f"/en/wizard/case/{gout_case.slug}/")
    assert response.status_code == 302
    assert response["Location"] == (
        "/en/wizard/?f=lab.urate.high&f=hx.gout&f=site.articular&step=results"
    )
    page = client.get(response["Location"])
    assert page.context["ddx"].entries[0].slug == "tophaceous-gout"


def test_the_wizard_says_which_findings_were_assumed(client, gout_case):
    page = client.get(f"/en/wizard/case/{gout_case.slug}/", follow=True)
    assert (
        "Pre-filled with the 3 findings recorded for “Man, 67, swollen forearm”. "
        "Assumed, as the source does not state them: Serum uric acid: High."
    ) in page.text


def test_a_case_without_findings_opens_an_empty_wizard_and_says_so(client):
    make_knowledge_base()
    case = make_case()
    page = client.get(f"/en/wizard/case/{case.slug}/", follow=True)
    assert page.redirect_chain == [("/en/wizard/", 302)]
    assert "No findings are recorded for this case yet." in page.text


def test_a_draft_case_stays_private(client, gout_case, resident, editor):
    gout_case.status = Case.Status.DRAFT
    gout_case.save()
    url = f"/en/wizard/case/{gout_case.slug}/"
    assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 302


def test_an_unknown_case_is_a_404(client):
    assert client.get("/en/wizard/case/no-such-case/").status_code == 404


def test_the_case_page_offers_the_wizard_only_once_revealed(client, gout_case):
    link = f'href="/en/wizard/case/{gout_case.code}/"'
    assert link not in client.get(gout_case.get_absolute_url()).text
    assert link in client.get(gout_case.get_absolute_url(), {"reveal": "1"}).text
