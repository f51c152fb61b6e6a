from django.utils import translation

from atlas.lib.i18n import columns, current_language, field_for, gather, spread


def test_current_language_is_one_of_the_sites_codes():
    with translation.override("es-mx"):
        assert current_language() == "es"
    with translation.override("fr"):
        assert current_language() == "en"


def test_field_for_names_the_column_of_the_active_language():
    with translation.override("es"):
        assert field_for("caption") == "caption_es"
    assert field_for("caption", "en") == "caption_en"


def test_spread_fills_every_language_and_takes_a_bare_string_as_english():
    assert spread("name", {"en": "Gout", "es": "Gota"}) == {"name_en": "Gout", "name_es": "Gota"}
    assert spread("name", {"es": "Gota"}) == {"name_en": "", "name_es": "Gota"}
    assert spread("name", "Gout") == {"name_en": "Gout", "name_es": ""}


def test_columns_and_gather_read_back_what_spread_wrote():
    row = spread("label", {"en": "Calcium", "es": "Calcio"})
    assert columns("label") == ["label_en", "label_es"]
    assert gather(row, "label") == {"en": "Calcium", "es": "Calcio"}
    assert gather({"label_en": "Calcium", "label_es": None}, "label") == {"en": "Calcium", "es": ""}
