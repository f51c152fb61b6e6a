"""How the ranking's numbers read, without a database."""

import pytest
from django.utils import translation

from wizard.presenters import lr_text


@pytest.mark.parametrize(
    ("lr", "shown"),
    [
        (1.05, "1.05"),
        (0.95, "0.95"),
        (1.5, "1.5"),
        (0.5, "0.5"),
        (0.2, "0.2"),
        (1.2345, "1.23"),
        (3.46, "3.5"),
        (3, "3"),
        (12.4, "12"),
        (30, "30"),
        (0.05, "0.05"),
        (0.0123, "0.012"),
    ],
)
def test_a_likelihood_ratio_shows_its_real_size(lr, shown):
    with translation.override("en"):
        assert lr_text(lr) == shown


def test_a_likelihood_ratio_uses_the_readers_decimal_comma():
    with translation.override("es"):
        assert lr_text(1.05) == "1,05"
        assert lr_text(0.95) == "0,95"
