"""Builds the built-in Word template of notice.docx (a 公文 after GB/T 9704-2012) with python-docx.

The template is a .docx with docxtpl (Jinja2) placeholders: ``{{ title }}``-style
fields, ``{%p for ... %}`` paragraph loops and ``{%tr for ... %}`` table-row
loops. notice_docx.py fills it. An office may replace it with its own
letterhead and wording (setting ``notice.template``), keeping the placeholders
it wants; the fields it can use are listed in notice_docx.notice_context.

Rebuild the committed copies after changing this file::

    python -m newmedia_audit.report.notice_template

which writes newmedia_audit/report/notice_template.docx (the built-in one, found
when installed) and registry/notice_template.docx (the copy an office edits).

Layout (GB/T 9704-2012): A4; margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm; 22 lines of 28 characters; title 2号 方正小标宋简体; body 3号
仿宋_GB2312; first-level headings 黑体, second-level 楷体_GB2312; page numbers
"— N —" in 4号 宋体 at the foot, right on odd pages and left on even pages.
Every East Asian font is named in w:eastAsia; the font table names a fallback
(w:altName) and the GB2312 character set for machines that lack the 公文 fonts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from .attachments import DISTRICT_HEADERS, FAILING_HEADERS, WEBSITE_HEADERS
from .notice_docx import BUILT_IN_TEMPLATE, REGISTRY_TEMPLATE

# GB/T 9704-2012 fonts, and what a machine without them should use (w:altName).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    HEADING_FONT: "SimHei",
    SUBHEADING_FONT: "楷体",
    PAGE_NUMBER_FONT: "SimSun",
}
GB2312_CHARSET = "86"

SIZE_2 = Pt(22)  # 2号
SIZE_3 = Pt(16)  # 3号
SIZE_4 = Pt(14)  # 4号
SIZE_XIAO_ER = Pt(18)  # 小二
SIZE_5 = Pt(10.5)  # 五号
CHAR = SIZE_3  # one character of body text
LINE = Pt(28.95)  # 22 lines in the 225 mm of type area

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FOOTER_DISTANCE_MM = 28  # page number 7 mm below the type area
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

# Column widths (mm) of the attachment tables; each adds up to the text width.
WEBSITE_WIDTHS = (32, 104, 20)
DISTRICT_WIDTHS = (45, 37, 37, 37)
FAILING_WIDTHS = (24, 30, 36, 24, 42)

OPENING = (
    "按照国务院办公厅和省政府办公厅关于政府网站和政务新媒体监管工作要求，"
    "市政务公开领导小组办公室对全市{{ subject }}进行了抽查，现将有关情况通报如下："
)
RECIPIENTS = "各县（市、区）人民政府，市政府各部门："
PUBLIC_AFFAIRS_HEADING = "（一）政务公开抽查情况。"
PUBLIC_AFFAIRS_PLACEHOLDER = "【政务公开抽查情况不在本工具检查范围内，请在此处填写或删除本段。】"

# 三、下一步工作要求: the wording of seed 001, for an office to edit in the template.
REQUIREMENTS = (
    (
        "（一）继续做好政府网站常态化监管。",
        "各地、各部门要进一步加强对本地、本部门政府网站常态化监管，创新监管工作措施，提升监管实效。"
        "要严格按照《省人民政府办公厅关于规范政府信息公开平台建设有关事项的通知》有关要求设置网站栏目，"
        "及时更新空白栏目和应更新未更新栏目。要强化政府网站信息（数据）质量，按照全省政务公开工作要求和"
        "考核标准，着力提升政府网站数据质量，提高有效有用数据的公开量和发布量，努力将政府网站打造成"
        "政务公开第一平台。",
    ),
    (
        "（二）进一步加强信息审核发布工作。",
        "各地、各部门要切实落实网络意识形态责任制，按照信息审核发布有关要求，严把政治关、法律关、"
        "政策关、保密关、文字关，做到“采、编、审、校、发”全链条监管到位，对重点稿件要提级审核、"
        "反复核校，及时发现和纠正错漏信息。",
    ),
    (
        "（三）规范政务新媒体建设管理。",
        "各地、各部门要强化对政务新媒体开设、变更、关停注销的监督管理，按照“先备案、后开设”原则开设"
        "政务新媒体。鼓励县级人民政府及市政府各部门开设政务新媒体，其他单位可根据工作需要合理开设，"
        "对实属无力维护的要坚决关停；积极运用政务新媒体推进政务公开、优化政务服务、凝聚社会共识、"
        "创新社会治理；着力打造一批优质精品账号和应用，建设更加权威的信息发布和解读回应平台、"
        "更加便捷的政民互动和办事服务平台，不断提升政府网上履职能力和服务水平。",
    ),
)
FOLLOW_UP = (
    "各地、各部门对发现的问题要查明原因、分类整治，并做好复核工作（非政务新媒体由其主办单位的"
    "主管部门负责整改和复核），确保问题整改到位不反弹。市政务公开领导小组办公室将对有关情况再次"
    "抽样复核，并适时通报检查结果。"
)
REPLY = (
    "请各地、各部门对照{{ attachment_refs }}进行逐一整改，并做好复核自查工作，"
    "于{{ reply_by }}前报{{ reply_to }}{{ contact }}。"
)

# Style names (Chinese, as an office sees them in Word's style list).
TITLE = "公文标题"
RECIPIENT = "公文主送"
HEADING = "公文一级标题"
SUBHEADING = "公文二级标题"  # a character style: the run opening a paragraph
ATTACHMENT_LIST = "公文附件说明"
SIGNATURE = "公文署名"
ATTACHMENT_LABEL = "附件标记"
ATTACHMENT_TITLE = "附件标题"
TABLE_TEXT = "表格文字"
TABLE_HEADER = "表格表头"
TABLE_NOTE = "表格注释"
PAGE_NUMBER = "公文页码"


def _fonts(style: BaseStyle, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian font names of a style (w:rFonts ascii/hAnsi and w:eastAsia)."""
    style.font.name = latin  # type: ignore[attr-defined]
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)


def _paragraph_style(
    doc: DocumentObject,
    name: str,
    font: str,
    size: Pt,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent_chars: float = 0,
    line: Pt | None = LINE,
) -> BaseStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _fonts(style, font)
    style.font.size = size
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(CHAR.pt * indent_chars)
    if align is not None:
        fmt.alignment = align
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = line
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return style


def _document_defaults(doc: DocumentObject) -> None:
    """Body text everywhere unless a style says otherwise: 3号 仿宋_GB2312, zh-CN, no theme fonts."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attribute in list(rfonts.attrib):
        del rfonts.attrib[attribute]  # theme fonts would override the names below
    for key, value in (("ascii", LATIN_FONT), ("hAnsi", LATIN_FONT), ("eastAsia", BODY_FONT)):
        rfonts.set(qn(f"w:{key}"), value)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = SIZE_3
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(CHAR.pt * 2)
    fmt.line_spacing = LINE
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False

    title = _paragraph_style(doc, TITLE, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35))
    title.paragraph_format.space_after = LINE
    _paragraph_style(doc, RECIPIENT, BODY_FONT, SIZE_3)
    _paragraph_style(doc, HEADING, HEADING_FONT, SIZE_3, indent_chars=2)
    sub = doc.styles.add_style(SUBHEADING, WD_STYLE_TYPE.CHARACTER)
    sub.quick_style = True
    _fonts(sub, SUBHEADING_FONT)
    listing = _paragraph_style(doc, ATTACHMENT_LIST, BODY_FONT, SIZE_3)
    # "附件：" hangs from 2 characters in; the second attachment lines up after it (GB/T 9704 7.3.4).
    listing.paragraph_format.left_indent = Pt(CHAR.pt * 5)
    listing.paragraph_format.first_line_indent = Pt(-CHAR.pt * 3)
    listing.paragraph_format.space_before = LINE
    sign = _paragraph_style(doc, SIGNATURE, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(CHAR.pt * 4)  # 成文日期右空四字
    _paragraph_style(doc, ATTACHMENT_LABEL, HEADING_FONT, SIZE_3)
    att_title = _paragraph_style(
        doc, ATTACHMENT_TITLE, TITLE_FONT, SIZE_XIAO_ER, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(30)
    )
    att_title.paragraph_format.space_before = Pt(6)
    att_title.paragraph_format.space_after = Pt(12)
    _paragraph_style(doc, TABLE_TEXT, BODY_FONT, SIZE_5, align=WD_ALIGN_PARAGRAPH.LEFT, line=None)
    header = _paragraph_style(
        doc, TABLE_HEADER, HEADING_FONT, SIZE_5, align=WD_ALIGN_PARAGRAPH.CENTER, line=None
    )
    header.paragraph_format.keep_with_next = True
    note = _paragraph_style(doc, TABLE_NOTE, BODY_FONT, SIZE_5, line=None)
    note.paragraph_format.space_before = Pt(6)
    note.paragraph_format.space_after = Pt(12)
    _paragraph_style(doc, PAGE_NUMBER, PAGE_NUMBER_FONT, SIZE_4, line=None)


def _font_table(doc: DocumentObject) -> None:
    """Name each 公文 font in the font table with its fallback and the GB2312 character set.

    Word and WPS use w:altName when the named font is missing; without the entry
    a machine lacking 仿宋_GB2312 falls back to a Western font.
    """
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    fonts = parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alternative),
            ("w:charset", GB2312_CHARSET),
            ("w:family", "modern" if name != TITLE_FONT else "roman"),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        fonts.append(font)
    # python-docx keeps the font table as a plain part: its blob is what gets saved.
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE) built with python-docx's element API: begin, code, separate, result, end."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    code = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """ "— N —" at the foot: odd pages right, even pages left, one character in from the edge."""
    paragraph.style = PAGE_NUMBER
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _heading_paragraph(doc: DocumentObject, heading: str, text: str, style: str | None = None) -> Paragraph:
    """A body paragraph opening with a 楷体 heading run: "（二）网站抽查情况。" + text."""
    paragraph = doc.add_paragraph(style=style)
    paragraph.add_run(heading, style=SUBHEADING)
    paragraph.add_run(text)
    return paragraph


def _tag(doc: DocumentObject, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag ({%p ... %}): removed when rendered."""
    doc.add_paragraph(tag)


def _repeat_header(table: Table) -> None:
    """The first row repeats at the top of every page the table runs onto (w:tblHeader)."""
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _cell_text(cell: object, text: str, style: str) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.style = style
    paragraph.add_run(text)


def _table(doc: DocumentObject, headers: list[str], widths: tuple[int, ...], rows: str) -> Table:
    """A bordered table: the header row, then one row repeated for each item of ``rows``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        table.columns[col].width = Mm(width)
        for row in table.rows:
            row.cells[col].width = Mm(width)
        _cell_text(table.cell(0, col), header, TABLE_HEADER)
        _cell_text(table.cell(2, col), f"{{{{ r[{col}] }}}}", TABLE_TEXT)
    _cell_text(table.cell(1, 0), f"{{%tr for r in {rows} %}}", TABLE_TEXT)
    _cell_text(table.cell(3, 0), "{%tr endfor %}", TABLE_TEXT)
    _repeat_header(table)
    return table


def _attachment(doc: DocumentObject, key: str) -> None:
    """One attachment page: 附件N, its title, its tables (rows filled by docxtpl) and its notes."""
    label = doc.add_paragraph(f"{{{{ {key}.name }}}}", style=ATTACHMENT_LABEL)
    label.paragraph_format.page_break_before = True
    doc.add_paragraph(f"{{{{ {key}.title }}}}", style=ATTACHMENT_TITLE)


def _attachment_note(doc: DocumentObject, expression: str) -> None:
    _tag(doc, f"{{%p if {expression} %}}")
    doc.add_paragraph(f"{{{{ {expression} }}}}", style=TABLE_NOTE)
    _tag(doc, "{%p endif %}")


def build_document() -> DocumentObject:
    """The template as a python-docx Document."""
    doc = Document()
    _document_defaults(doc)
    _styles(doc)
    _page_setup(doc)
    _font_table(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)

    doc.add_paragraph(
        "{{ issuer }}关于{{ year }}年第{{ quarter }}季度全市{{ subject }}抽查情况的通报", style=TITLE
    )
    doc.add_paragraph(RECIPIENTS, style=RECIPIENT)
    doc.add_paragraph(OPENING)
    doc.add_paragraph("一、总体情况", style=HEADING)
    placeholder = doc.add_paragraph()
    placeholder.add_run(PUBLIC_AFFAIRS_HEADING, style=SUBHEADING)
    placeholder.add_run(PUBLIC_AFFAIRS_PLACEHOLDER).font.highlight_color = WD_COLOR_INDEX.YELLOW
    _tag(doc, "{%p for s in overview %}")
    _heading_paragraph(doc, "{{ s.heading }}", "{{ s.text }}")
    _tag(doc, "{%p endfor %}")
    doc.add_paragraph("二、主要问题", style=HEADING)
    _tag(doc, "{%p for s in problems %}")
    _heading_paragraph(doc, "{{ s.heading }}", "{{ s.text }}")
    _tag(doc, "{%p endfor %}")
    doc.add_paragraph("三、下一步工作要求", style=HEADING)
    for heading, text in REQUIREMENTS:
        _heading_paragraph(doc, heading, text)
    doc.add_paragraph(FOLLOW_UP)
    doc.add_paragraph(REPLY)
    listing = doc.add_paragraph("附件：{{ attachment_list }}", style=ATTACHMENT_LIST)
    listing.paragraph_format.keep_with_next = True
    for _ in range(2):  # 署名 three lines below the text (GB/T 9704 7.3.5.2), the list takes one
        doc.add_paragraph("", style=SIGNATURE)
    doc.add_paragraph("{{ issuer }}", style=SIGNATURE)
    doc.add_paragraph("{{ date }}", style=SIGNATURE)

    _tag(doc, "{%p if websites %}")
    _attachment(doc, "websites")
    _table(doc, WEBSITE_HEADERS, WEBSITE_WIDTHS, "websites.tables[0].rows")
    _attachment_note(doc, "websites.note")
    _tag(doc, "{%p endif %}")
    _attachment(doc, "new_media")
    _table(doc, DISTRICT_HEADERS, DISTRICT_WIDTHS, "new_media.tables[0].rows")
    doc.add_paragraph("", style=TABLE_NOTE)
    _table(doc, FAILING_HEADERS, FAILING_WIDTHS, "new_media.tables[1].rows")
    _attachment_note(doc, "new_media.note")
    return doc


def build_template(path: Path) -> Path:
    """Write the template to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_document().save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m newmedia_audit.report.notice_template [PATH...]``: rebuild the template files."""
    targets = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [
        BUILT_IN_TEMPLATE,
        REGISTRY_TEMPLATE,
    ]
    first = build_template(targets[0])
    for target in targets[1:]:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(first.read_bytes())  # byte for byte the same file
    for target in targets:
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
