"""Fill empty Spanish msgstr entries from locale/es_ui.py, then report what is still missing.

Run after `manage.py makemessages -l es`: `python locale/fill.py`. Needs polib (a
translator's tool, not a dependency of the atlas).
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).parent))
from es_ui import ES, PLURALS  # noqa: E402

PO = Path(__file__).parent / "es" / "LC_MESSAGES" / "django.po"

po = polib.pofile(str(PO))
missing = []
for entry in po:
    if entry.obsolete:
        continue
    if "fuzzy" in entry.flags:
        # makemessages guesses from similar strings ("Open in the wizard" became "Abrir el
        # glosario"); a guess is no translation, so start from empty.
        entry.msgstr = ""
        entry.msgstr_plural = {key: "" for key in entry.msgstr_plural}
        entry.flags.remove("fuzzy")
    if entry.msgid_plural:
        if entry.msgid in PLURALS and not any(entry.msgstr_plural.values()):
            one, many = PLURALS[entry.msgid]
            entry.msgstr_plural = {0: one, 1: many}
        if not all(entry.msgstr_plural.values()):
            missing.append(entry.msgid)
    else:
        if not entry.msgstr and entry.msgid in ES:
            entry.msgstr = ES[entry.msgid]
        if not entry.msgstr:
            missing.append(entry.msgid)
po.metadata["Language"] = "es"
po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
po.save()
print(f"{len(missing)} strings without a Spanish translation")
for msgid in missing:
    print("  ", msgid[:100])
