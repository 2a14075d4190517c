"""The archival print file: the print edition as PDF/UA-1, written from the print layout, and why.

Why PDF/UA-1 and not PDF/A: a library keeps the file for readers too, and PDF/UA (ISO 14289-1)
asks for what an assistive technology needs: a structure tree in reading order, the document's
language (`/Lang`), its title shown instead of the file name (`DisplayDocTitle`), embedded
fonts. WeasyPrint 70 writes these with `pdf_variant="pdf/ua-1"` (tags on, PDF 1.7). What it
does not do (README, "Distribution"): footnotes are tagged as generic spans rather than `Note`,
running heads and page numbers are not marked as artifacts, and no validator for the variant
installs here, so the claim is WeasyPrint's, checked by the tests only for the parts named
above. The pages are those of the print edition on the same paper, laid out the same way
(`writers/pdf.py`; the very same layout), so the file carries the print edition's identifier.
"""

from __future__ import annotations

VARIANT = "pdf/ua-1"
"""The variant `build_one(..., archival=VARIANT)` writes beside the print PDF, from its layout
(a variant changes how the pages are written, not where they break: the bytes equal those of a
layout of its own)."""
