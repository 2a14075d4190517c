"""Turn a packet file (`packets/<name>.toml`) into a reading packet: a PDF and an EPUB.

    spec.py      packet file → PacketSpec            (strict: every problem at its line)
    assemble.py  PacketSpec → numbered Documents     (each through the project's pipeline)
    front.py     → cover, contents, introduction, credits, the citation rule (both editions)
    print.py     → one HTML, one checked WeasyPrint layout → PDF
    ebook.py     → one EPUB from the ebook writer's parts, its page-list from that layout
    booklet.py   PDF of half-size pages → saddle-stitched sheets (pypdf)

`build_packet` returns the files (name → bytes) and writes nothing; the command line writes them
with `pipeline.output.publish`, all together or not at all.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.packet.assemble import assemble
from pipeline.packet.spec import PacketSpec, read_packet


def packet_file_names(spec: PacketSpec, booklet: bool = False) -> tuple[str, ...]:
    names = (f"{spec.name}.pdf", f"{spec.name}.epub")
    return (*names, f"{spec.name}-booklet.pdf") if booklet else names


def build_packet(path: Path, booklet: bool = False, marks: bool = False) -> dict[str, bytes]:
    """The packet's files: `<name>.pdf`, `<name>.epub` and with `booklet` `<name>-booklet.pdf`
    (the half-size pages imposed two-up); `marks` gives the PDF bleed and crop marks."""
    from pipeline.build import _release_layouts
    from pipeline.packet.booklet import impose
    from pipeline.packet.ebook import write_packet_epub
    from pipeline.packet.print import layout_packet, write_packet_pdf

    spec = read_packet(path)
    if booklet and marks:
        # Crop marks belong to a trimmed page; imposed two-up they would print across the
        # facing page, and scaled to fit they would no longer mark the trim size.
        raise PipelineError(
            "--booklet and --marks together: a booklet's pages are imposed without bleed; "
            "build the booklet and the marked PDF in two runs",
            spec.path,
        )
    if booklet:
        impose_check(spec)
    documents = assemble(spec)
    try:
        layout = layout_packet(spec, documents, marks=marks)
        pdf = write_packet_pdf(layout, spec, documents)
        files = {f"{spec.name}.pdf": pdf}
        files[f"{spec.name}.epub"] = write_packet_epub(spec, documents, layout)
        if booklet:
            files[f"{spec.name}-booklet.pdf"] = impose(pdf, spec.paper)
    finally:
        _release_layouts()
    return files


def impose_check(spec: PacketSpec) -> None:
    """A booklet is made of half-size pages: refuse before any layout if the paper is not."""
    from pipeline.packet.booklet import SHEETS
    from pipeline.toml_tables import line_of

    if spec.paper not in SHEETS:
        text = spec.path.read_text(encoding="utf-8-sig")
        raise PipelineError(
            f"--booklet needs half-size pages: set paper to {' or '.join(SHEETS)} "
            f"(got {spec.paper!r})",
            spec.path,
            line_of(text, "paper", "packet") or 1,
        )
