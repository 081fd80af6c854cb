"""Tools for the translation catalogs, run by `make translations`.

Dutch is the source language: the messages in the code are Dutch, so the Dutch catalog
repeats them. `fill-source` writes those, so that the Dutch catalog is complete like the rest.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def fill_source(language: str) -> int:
    """Give every message of the source-language catalog its own text; return how many."""
    path = catalog_path(language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return filled


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "fill-source":
        sys.exit("usage: python -m portal.catalogs fill-source LANGUAGE")
    print(f"{fill_source(sys.argv[2])} messages filled in the {sys.argv[2]} catalog")
