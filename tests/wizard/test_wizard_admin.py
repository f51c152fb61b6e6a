"""Editing the wizard's knowledge base in the admin: changes reach the wizard, bad values are
refused with a form error, and an inconsistent knowledge base is reported, not served."""

import html
from html.parser import HTMLParser

import pytest
from django.apps import apps

from tests.wizard.builders import make_knowledge_base
from wizard.models import Finding, FindingWeight, Question

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values a browser would submit from the admin's change form, as it stands."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append(
                (name, a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def change_form(client, url: str) -> dict:
    parser = _Form()
    parser.feed(client.get(url).content.decode())
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def test_a_weight_added_in_the_admin_changes_the_wizards_ranking(client, superuser):
    entities = make_knowledge_base()
    client.force_login(superuser)
    assert client.get("/en/wizard/?f=hx.trauma").context["ddx"].entries[0].slug != (
        "calcific-tendinitis"
    )
    tendinitis = entities["calcific-tendinitis"]
    url = f"/en/admin/diagnosis/entity/{tendinitis.pk}/change/"
    data = change_form(client, url)
    total = int(data["finding_weights-TOTAL_FORMS"])
    data.update(
        {
            "finding_weights-TOTAL_FORMS": str(total + 1),
            f"finding_weights-{total}-finding": str(Finding.objects.get(code="hx.trauma").pk),
            f"finding_weights-{total}-lr": "4",
            f"finding_weights-{total}-why_en": "overuse and minor trauma",
            f"finding_weights-{total}-why_es": "sobrecarga y traumatismos menores",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert FindingWeight.objects.filter(entity=tendinitis, finding__code="hx.trauma").exists()
    first = client.get("/en/wizard/?f=hx.trauma").context["ddx"].entries[0]
    assert first.slug == "calcific-tendinitis"
    assert [r.why for r in first.reasons] == ["overuse and minor trauma"]


def test_a_weight_that_makes_a_probability_above_one_is_refused_with_the_limit(client, superuser):
    entities = make_knowledge_base()
    client.force_login(superuser)
    url = f"/en/admin/diagnosis/entity/{entities['tophaceous-gout'].pk}/change/"
    data = change_form(client, url)
    total = int(data["finding_weights-TOTAL_FORMS"])
    data.update(
        {
            "finding_weights-TOTAL_FORMS": str(total + 1),
            f"finding_weights-{total}-finding": str(Finding.objects.get(code="hx.trauma").pk),
            f"finding_weights-{total}-lr": "8",  # base 0.2: 1.6
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is a probability above one; at most 5." in response.text
    assert not FindingWeight.objects.filter(finding__code="hx.trauma").exists()


def test_an_out_of_range_likelihood_ratio_is_refused(client, superuser):
    entities = make_knowledge_base()
    client.force_login(superuser)
    url = f"/en/admin/diagnosis/entity/{entities['tophaceous-gout'].pk}/change/"
    data = change_form(client, url)
    data["finding_weights-0-lr"] = "0"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0.001." in response.text


def test_single_choice_base_rates_must_add_up_to_one(client, superuser):
    make_knowledge_base()
    client.force_login(superuser)
    question = Question.objects.get(key="lab.calcium")
    url = f"/en/admin/wizard/question/{question.pk}/change/"
    data = change_form(client, url)
    data["findings-0-base"] = "0.3"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "their base rates must add up to 1; these add up to 1.200." in response.text
    assert Finding.objects.get(code="lab.calcium.low").base == 0.1


def test_an_edit_that_breaks_the_knowledge_base_is_reported_and_the_wizard_keeps_working(
    client, superuser
):
    entities = make_knowledge_base()
    client.force_login(superuser)
    client.get("/en/wizard/")
    url = f"/en/admin/diagnosis/entity/{entities['calcific-tendinitis'].pk}/change/"
    data = change_form(client, url)
    data["ddx-0-DELETE"] = "on"  # the flowchart prints it, so it needs a prior
    response = client.post(url, data, follow=True)
    page = html.unescape(response.text)
    assert "The wizard's knowledge base needs attention (3)" in page
    assert "tree node 'tendon': unknown entity 'calcific-tendinitis'" in page
    assert client.get("/en/wizard/").status_code == 200


def test_every_knowledge_base_admin_page_opens(client, superuser):
    make_knowledge_base()
    client.force_login(superuser)
    for model in ("questiongroup", "question", "finding", "contradiction", "flowchartnode"):
        listing = client.get(f"/en/admin/wizard/{model}/")
        assert listing.status_code == 200, model
        # Primary keys are not 1 on PostgreSQL, whose sequences outlive rolled-back tests.
        first = apps.get_model("wizard", model).objects.order_by("pk").first()
        change = client.get(f"/en/admin/wizard/{model}/{first.pk}/change/")
        assert change.status_code == 200, model
        body = change.content.decode()
        assert 'src="//' not in body and 'src="http' not in body, model
