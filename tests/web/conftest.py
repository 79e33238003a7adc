"""Compiles the Japanese catalogue before the page tests if the .mo is missing or older than the .po.

The .mo is not committed (set-up compiles it); this keeps a fresh checkout's tests honest without
depending on that step having run first.
"""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    for po_path in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
