"""Print set-up of report.xlsx's sheets: A4, one page wide, header rows repeated, titled pages.

Officers print the attachments and send them with the notice, so every sheet
prints on A4, landscape when its columns are too wide for portrait, fitted to
one page wide (as many pages tall as needed), with its header rows repeated
on each page, its title in the page header and "第 N 页，共 M 页" in the footer.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

A4 = 9  # xlsxwriter paper index
PORTRAIT_WIDTH = 95
"""Column width (Excel character units) that still prints readably on portrait A4 at 100%;
a wider sheet is printed landscape."""
FOOTER = "&C第 &P 页，共 &N 页"
HEADER_CHARS = 100
"""Characters of a title kept in the page header (Excel allows 255 with the codes; '&' doubles)."""
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7}  # inches


def header_text(text: str, limit: int = HEADER_CHARS) -> str:
    """Text as a page header shows it: '&' doubled (a lone '&' starts a code), cut to ``limit``."""
    return text[:limit].replace("&", "&&")


def set_print(
    ws: Worksheet,
    *,
    width: int,
    title: str,
    label: str = "",
    repeat: tuple[int, int] | None = None,
) -> None:
    """A4, landscape when ``width`` is over PORTRAIT_WIDTH, one page wide, titled pages.

    Args:
        ws: the worksheet.
        width: the total width of its columns, in Excel character units.
        title: the page header's centre (bold).
        label: the page header's left part, e.g. "附件2" ("" for none).
        repeat: first and last row (0-based) repeated at the top of every page.
    """
    ws.set_paper(A4)
    if width > PORTRAIT_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as tall as needed
    ws.set_margins(**MARGINS)
    ws.center_horizontally()
    left = f"&L{header_text(label, 20)}" if label else ""
    ws.set_header(f'{left}&C&"-,Bold"{header_text(title)}', {"margin": 0.3})
    ws.set_footer(FOOTER, {"margin": 0.3})
    if repeat is not None:
        ws.repeat_rows(*repeat)
