"""US Letter lays out every bundled record on Letter pages with each note on its call's page.

A4 is the bundled records' own paper: test_pdf.py reads their notes back from the A4 PDF. The
Letter layouts are the session's builds (tests/conftest.py), the ones test_print_quality.py
measures."""

import pytest

from pipeline.writers.pdf import note_placements
from tests.conftest import DOCUMENTS

# In CSS pixels (1/96 inch), as WeasyPrint lays out pages.
SIZES = {"a4": (793.7, 1122.5), "letter": (816.0, 1056.0)}


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_every_note_sits_on_its_call_page_on_letter(folder, bundled_builds):
    built = bundled_builds.get(folder, "letter")
    rendered = built.layout.rendered
    for page in rendered.pages:
        assert (round(page.width, 2), round(page.height, 2)) == pytest.approx(
            SIZES["letter"], abs=0.1
        )
    placements = note_placements(rendered)
    assert sorted(placements) == [n.number for n in built.doc.notes]
    assert all(p.ok for p in placements.values()), placements
