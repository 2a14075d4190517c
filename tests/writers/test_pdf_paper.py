"""Both paper sizes lay out every bundled record with each note on its call's page."""

from dataclasses import replace

import pytest

from pipeline.pipeline import prepare
from pipeline.writers.pdf import note_placements, render_print
from tests.conftest import DOCUMENTS

# In CSS pixels (1/96 inch), as WeasyPrint lays out pages.
SIZES = {"a4": (793.7, 1122.5), "letter": (816.0, 1056.0)}


@pytest.mark.parametrize("paper", ["letter"])
@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_every_note_sits_on_its_call_page(folder, paper):
    doc, ctx = prepare(folder)
    ctx = replace(ctx, settings=replace(ctx.settings, paper=paper))
    rendered = render_print(doc, ctx)
    page = rendered.pages[0]
    assert (round(page.width, 2), round(page.height, 2)) == pytest.approx(SIZES[paper], abs=0.1)
    placements = note_placements(rendered)
    assert sorted(placements) == [n.number for n in doc.notes]
    assert all(p.ok for p in placements.values()), placements
