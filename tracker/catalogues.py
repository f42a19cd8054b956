"""The translation catalogues: locale/<language>/LC_MESSAGES/django.po,
written by translators and committed; the compiled .mo files are built from
them (never committed, so they can never be stale).

Compiled with polib rather than gettext's msgfmt, so that `make run` needs
nothing beyond the pinned requirements. Updating a catalogue from the code
(`manage.py makemessages -l fr`) does need gettext; that is a translator's
step, not a user's.
"""

from pathlib import Path

import polib
from django.conf import settings


def catalogue_paths():
    for locale_path in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po"))


def compile_catalogues():
    """Compile every catalogue whose .mo is missing or older than its .po;
    return the paths compiled."""
    compiled = []
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled.append(mo_path)
    return compiled


def gaps(po_path):
    """What keeps a catalogue from being complete: entries not translated,
    fuzzy ones (a guess gettext leaves for review) and obsolete ones."""
    catalogue = polib.pofile(str(po_path))
    return {
        "untranslated": [entry.msgid for entry in catalogue.untranslated_entries()],
        "fuzzy": [entry.msgid for entry in catalogue.fuzzy_entries()],
        "obsolete": [entry.msgid for entry in catalogue.obsolete_entries()],
    }
