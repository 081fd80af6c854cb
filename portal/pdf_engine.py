"""WeasyPrint, loaded on first use (it loads Pango), with page references that stay cheap
in long documents.

pydyf, WeasyPrint's PDF writer, builds the tuple of every page's reference anew each time
one is asked for, and a tagged PDF asks once per structure element: for a council report
of 300 themes (276 pages, 23,000 elements) that meant 6.5 million references built, a tenth
of the report's time. Here the tuple is kept until a page is added. The PDF stays the same
byte for byte (tests/unit/test_pdf_engine.py).
"""

import pydyf
from weasyprint import HTML

__all__ = ["HTML"]


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]  # three items per page: number, generation, "R"
    cached = pdf.__dict__.get("_meedoen_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), _uncached.fget(pdf))
        pdf.__dict__["_meedoen_page_references"] = cached
    return cached[1]


# Kept on the class, so that loading this module twice cannot wrap the cache in itself.
_uncached = getattr(pydyf.PDF, "_meedoen_uncached_page_references", pydyf.PDF.page_references)
pydyf.PDF._meedoen_uncached_page_references = _uncached
pydyf.PDF.page_references = property(_page_references)
