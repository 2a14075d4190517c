"""Turn a document's source and its built PDF and EPUB into a fidelity report.

The promise of issues 5 §3 and 14 §4: everything a reader sees in a built edition is either the
source's, explained, or shown as a problem located in both texts. The audit works in steps, so
that each kind of difference has exactly one place where it may be explained:

0. provenance (`integrity.py`): the source is the one the errata were written against (its
   SHA-256), every entry was applied as declared, the reports beside the editions agree.
1. source → model (`source.py`): the source after junk removal against the model as read;
   only errata entries may differ, re-applied from their line and column. The model as read
   against the finished model: only what the typography rules of `pipeline/rules/typography.py`
   make there, applied by the audit itself (`typography.py`).
2. model → rendered (`pdf.py`, `epub.py`): the text of the built file, generated elements
   taken out by position or as whole phrases (running heads, folios, note markers, the title
   block), note bodies found whole, the rest aligned word by word with the finished model
   (`expected.py`). Letter case is exact, except where the print style's small capitals make
   a PDF's text map show it otherwise (`caps.py`). Then the generated parts a reader sees are
   read back and checked against their sources: the Editorial note against the errata
   (`apparatus.py`: rows, places, pages found in the PDF, links, counts), the navigation and
   page-list of the ebook against its chapters and the PDF's pages, the colophon against the
   metadata (`colophon.py`).

Anything else is a `Problem`, shown with a few words of both sides and both locations
(`source.txt:line:column`, and `PDF page N` or the EPUB file and block id).
"""

from pipeline.editorial.audit.command import audit_command, audit_epub, audit_pdf
from pipeline.editorial.audit.epub import compare_epub
from pipeline.editorial.audit.expected import expected_words
from pipeline.editorial.audit.pdf import audit_print, compare_pdf
from pipeline.editorial.audit.pdf_text import PdfLine, pdf_lines, pdf_words
from pipeline.editorial.audit.report import AuditReport, Problem, format_report
from pipeline.editorial.audit.source import audit_source
from pipeline.editorial.audit.typography import typography_causes
from pipeline.editorial.audit.units import model_units

__all__ = [
    "AuditReport",
    "PdfLine",
    "Problem",
    "audit_command",
    "audit_epub",
    "audit_pdf",
    "audit_print",
    "audit_source",
    "compare_epub",
    "compare_pdf",
    "expected_words",
    "format_report",
    "model_units",
    "pdf_lines",
    "pdf_words",
    "typography_causes",
]
