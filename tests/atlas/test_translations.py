"""The Spanish catalogue (locale/es/LC_MESSAGES/django.po) is the one source of interface text.

It must translate every string the code marks, keep nothing the code no longer marks, and the
compiled .mo that Django reads must say the same as the .po that translators edit.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from atlas.messages import MAKEMESSAGES_IGNORE

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def _entries(catalogue) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (entry.msgctxt or "", entry.msgid): (
            tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if entry.msgid_plural
            else (entry.msgstr,)
        )
        for entry in catalogue
        if not entry.obsolete
    }


def test_every_interface_string_has_a_spanish_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert untranslated == [] and fuzzy == []


# Python's named and positional placeholders, as gettext strings use them.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdfr]")


def test_every_translation_keeps_the_placeholders_of_its_source():
    # A Spanish "%(step)s" for an English "%(stage)s" raises KeyError when the page is drawn.
    po = polib.pofile(str(CATALOGUE / "django.po"))
    broken = []
    for entry in po:
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for target in targets:
            if sorted(set(PLACEHOLDER.findall(target))) != wanted:
                broken.append(entry.msgid)
    assert broken == []


def test_compiled_catalogue_says_what_the_source_says():
    po = _entries(polib.pofile(str(CATALOGUE / "django.po")))
    mo = _entries(polib.mofile(str(CATALOGUE / "django.mo")))
    stale = sorted(key for key in po.keys() | mo.keys() if po.get(key) != mo.get(key))
    assert stale == [], "run `make messages` to compile the catalogue again"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_catalogue_holds_exactly_the_strings_the_code_marks(tmp_path, settings, monkeypatch):
    # makemessages writes into any locale/ folder beside what it scans, so it scans a copy.
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".*", "locale", "media", "staticfiles", "*.egg-info"),
    )
    copy = tmp_path / "locale" / "es" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(CATALOGUE / "django.po", copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["es"], ignore_patterns=MAKEMESSAGES_IGNORE, verbosity=0)
    before = set(_entries(polib.pofile(str(CATALOGUE / "django.po"))))
    remade = polib.pofile(str(copy / "django.po"))
    # msgmerge gives a new string a "fuzzy" guess from a similar one: a guess is no translation.
    missing = sorted(
        entry.msgid
        for entry in remade
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    )
    unused = sorted(msgid for _, msgid in before - set(_entries(remade)))
    assert (missing, unused) == ([], []), "run `make messages` and translate what is missing"
