"""Where the text of a PDF lies, read back from the file with pypdf.

`text_runs(page)` gives each run of text with its start and end on the page (the end
from the font's glyph widths, as pypdf's layout mode computes it), so a test can
assert that no text lies outside the page box: what a printer or a viewer would cut.
"""

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf._text_extraction._layout_mode._fixed_width_page import (
    recurse_to_target_op,
    set_font_operation,
)
from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
from pypdf.generic import ContentStream

TOLERANCE = 0.5  # points


@dataclass(frozen=True)
class Run:
    text: str
    x0: float
    x1: float
    y: float
    page: int


def text_runs(reader: PdfReader) -> list[Run]:
    runs = []
    for number, page in enumerate(reader.pages, start=1):
        fonts = page._layout_mode_fonts()
        contents = page.get_contents()
        if contents is None:
            continue
        ops = iter(ContentStream(contents, reader, "bytes").operations)
        state = TextStateManager()
        for operands, op in ops:
            if op in (b"BT", b"q"):
                # each text-showing operation, with where it starts and ends (the
                # merged lines pypdf also returns lose the end of a far-away cell)
                _groups, shows = recurse_to_target_op(
                    ops, state, b"ET" if op == b"BT" else b"Q", fonts, True
                )
                for show in shows:
                    if show.text.strip():
                        runs.append(Run(show.text, show.tx, show.displaced_tx, show.ty, number))
            elif op == b"Tf":
                set_font_operation(state, fonts, operands)
            else:
                state.set_state_param(op, operands)
    return runs


def outside_page(reader: PdfReader) -> list[Run]:
    """Runs of text that start or end outside their page's media box."""
    result = []
    for run in text_runs(reader):
        box = reader.pages[run.page - 1].mediabox
        left, bottom, right, top = (float(v) for v in (box.left, box.bottom, box.right, box.top))
        if (
            run.x0 < left - TOLERANCE
            or run.x1 > right + TOLERANCE
            or not (bottom - TOLERANCE <= run.y <= top + TOLERANCE)
        ):
            result.append(run)
    return result
