"""The page-reference cache (portal.pdf_engine) changes nothing but the time it takes."""

import pydyf

from portal import pdf_engine


def test_references_follow_every_page_added():
    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    for count in range(1, 4):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(pdf.page_references) == count
        assert pdf.page_references == pdf_engine._uncached.fget(pdf)
    assert pdf.page_references is pdf.page_references  # kept, not built again


def test_a_tagged_pdf_is_the_same_byte_for_byte():
    html = "".join(
        f"<h2>Thema {n}</h2><p>Tekst {n}</p><p style='break-after: page'>Meer</p>" for n in range(5)
    )
    document = pdf_engine.HTML(string=f"<html lang='nl'><title>T</title>{html}</html>").render()
    cached = document.write_pdf(pdf_variant="pdf/ua-1")
    pydyf.PDF.page_references = pdf_engine._uncached
    try:
        uncached = document.write_pdf(pdf_variant="pdf/ua-1")
    finally:
        pydyf.PDF.page_references = property(pdf_engine._page_references)
    assert len(document.pages) == 5
    assert cached == uncached
