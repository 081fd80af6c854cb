"""The cycle collector while PDFs are made (portal.collector)."""

import gc
from datetime import date

import pytest

from portal import collector


def test_collections_are_rare_until_the_last_pdf_is_done():
    before = gc.get_threshold()
    with collector.rare_collections():
        assert gc.get_threshold() == collector.RENDERING_THRESHOLDS
        with collector.rare_collections():  # a second PDF, in another thread of the worker
            pass
        assert gc.get_threshold() == collector.RENDERING_THRESHOLDS
    assert gc.get_threshold() == before


def test_a_failed_pdf_restores_the_collector():
    before = gc.get_threshold()
    with pytest.raises(ValueError), collector.rare_collections():
        raise ValueError("layout failed")
    assert gc.get_threshold() == before


def test_the_council_report_is_made_with_rare_collections(app, monkeypatch):
    from portal import pdf_engine
    from portal.domain.reports import Period, Report
    from portal.staff.reports import render

    seen = []

    class Recording:
        def __init__(self, string):
            self.string = string

        def write_pdf(self, **options):
            seen.append(gc.get_threshold())
            return b"%PDF-"

    monkeypatch.setattr(pdf_engine, "HTML", Recording)
    with app.test_request_context("/medewerkers/rapport"):
        assert render(Report(Period(date(2026, 1, 1), date(2026, 1, 31)), [], {})) == b"%PDF-"
    assert seen == [collector.RENDERING_THRESHOLDS]
    assert gc.get_threshold() != collector.RENDERING_THRESHOLDS
