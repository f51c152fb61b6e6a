"""A filter value the database cannot hold is a filter error on every changelist, not a 500."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from atlas.admin_site import AtlasAdminSite, CheckedChangeList
from diagnosis.models import Mechanism

pytestmark = pytest.mark.django_db

TOO_BIG = "1" + "0" * 39  # 40 digits: past any integer column, 2**63 included

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", password=None))
    return client


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_an_id_too_big_for_the_database_sends_back_to_the_changelist_with_an_error(
    superuser_client, model
):
    response = superuser_client.get(changelist(model), {"id__in": f"1,{TOO_BIG}"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "query",
    [
        {"study__id__in": TOO_BIG},
        {"study__in": TOO_BIG},
        {"study": TOO_BIG},
        {"id__gte": f"-{TOO_BIG}"},
        {"frame_count__lt": TOO_BIG},
    ],
)
def test_a_related_or_compared_id_too_big_is_a_filter_error_too(superuser_client, query):
    response = superuser_client.get("/en/admin/cases/image/", query)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_ids_in_range_still_filter(superuser_client):
    response = superuser_client.get("/en/admin/cases/image/", {"id__in": "1,9223372036854775807"})
    assert response.status_code == 200


def test_the_list_it_returns_to_says_which_filter_was_dropped(superuser_client):
    response = superuser_client.get("/en/admin/cases/case/", {"id__in": TOO_BIG}, follow=True)
    assert response.status_code == 200
    assert f"The filter id__in was dropped: {TOO_BIG} is out of range." in response.content.decode()


def test_a_model_admin_registered_later_gets_the_checked_changelist_too(rf):
    site = AtlasAdminSite(name="later")

    class MechanismAdmin(admin.ModelAdmin):
        list_display = ("slug",)

    site.register(Mechanism, MechanismAdmin)
    model_admin = site._registry[Mechanism]
    assert isinstance(model_admin, MechanismAdmin)
    assert issubclass(model_admin.get_changelist(rf.get("/")), CheckedChangeList)
