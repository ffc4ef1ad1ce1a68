"""notice.docx: the notice (通报) as a Word 公文, filled from a template with docxtpl.

The content follows seed 001: the title (issuer, year and quarter), 一、总体情况
with (二)(三)(四) as notice.md words them, 二、主要问题 (notice_problems.py),
三、下一步工作要求 from the template, the 附件 line, the signature and date, then
附件1 and 附件2 as Word tables (attachments.py). The template is a .docx with
placeholders (notice_template.py builds the built-in one); ``notice_context``
lists every field a template may use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate, Listing
from jinja2 import TemplateError

from ..errors import ConfigError
from ..models import AuditResult
from ..settings import NoticeSettings
from .attachments import Attachment, Table, Titles
from .labels import month_day
from .notice import SECTION_NUMBERS, overview_paragraphs
from .notice_problems import problem_sections
from .summary import Summary

BUILT_IN_TEMPLATE = Path(__file__).with_name("notice_template.docx")
"""The built-in template (notice_template.py builds it), found from the repository and installed."""
REGISTRY_TEMPLATE = Path("registry/notice_template.docx")
"""The copy an office edits, used when it exists (paths are relative to the working directory)."""

ISSUER_SUFFIX = "政务公开领导小组办公室"
DEFAULT_REPLY_TO = "市政务公开领导小组办公室"

# Characters XML 1.0 does not allow in a document (a ledger cell could hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def template_path(notice: NoticeSettings) -> Path:
    """The template to fill: the configured one, else registry/notice_template.docx, else the built-in."""
    if notice.template is not None:
        return notice.template
    return REGISTRY_TEMPLATE if REGISTRY_TEMPLATE.is_file() else BUILT_IN_TEMPLATE


def xml_text(text: str) -> str:
    """The text without characters a Word document cannot hold."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def date_text(day: date) -> str:
    """成文日期 as GB/T 9704 writes it: 2022年6月22日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _split_heading(paragraph: str) -> dict[str, str]:
    """ "网站抽查情况。市政务…" -> heading "网站抽查情况。" and the text after it."""
    heading, _, text = paragraph.partition("。")
    return {"heading": heading + "。", "text": text}


def overview_sections(result: AuditResult, summary: Summary, window_days: int) -> list[dict[str, str]]:
    """(二)(三)(四) of 一、总体情况, in notice.md's words (（一） is the office's, in the template)."""
    paragraphs = overview_paragraphs(result, summary, window_days)
    sections = []
    for number, paragraph in zip(SECTION_NUMBERS, paragraphs, strict=False):
        section = _split_heading(paragraph)
        sections.append({"heading": number + section["heading"], "text": xml_text(section["text"])})
    return sections


def _listed(attachment: Attachment, limit: int) -> Attachment:
    """The attachment with its longest table cut to ``limit`` rows, saying so in its note."""
    tables: list[Table] = []
    notes = [attachment.note] if attachment.note else []
    for table in attachment.tables:
        rows = [_clean(row) for row in table.rows[:limit]]
        if len(table.rows) > limit:
            notes.append(
                f"注：共{len(table.rows)}行，此处列出前{limit}行，完整清单见 report.xlsx 的“{attachment.name}”工作表。"
            )
        tables.append(Table(table.headers, rows))
    return replace(attachment, tables=tables, note="".join(notes), title=xml_text(attachment.title))


def notice_context(
    result: AuditResult,
    summary: Summary,
    titles: Titles,
    front: Sequence[Attachment],
    notice: NoticeSettings,
    *,
    issued_on: date,
    window_days: int = 14,
) -> dict[str, Any]:
    """Every field a template may use.

    Fields: ``city``, ``year``, ``quarter`` (二), ``issuer``, ``subject``
    (政府网站和政务新媒体, or 政务新媒体 without websites), ``overview`` and
    ``problems`` (lists of {heading, text}), ``attachment_refs`` (《…》和《…》),
    ``attachment_list`` (the 附件 lines), ``reply_by`` (6月27日), ``reply_to``,
    ``contact`` (（…） or ""), ``date`` (2022年6月22日), ``websites`` (附件1, None
    without websites) and ``new_media`` (附件2), each with ``name``, ``title``,
    ``tables`` (each with ``headers`` and ``rows``) and ``note``.
    """
    websites = next((a for a in front if a.name == "附件1" and not a.empty), None)
    new_media = next(a for a in front if a.name == "附件2")
    listed = [a for a in (websites, new_media) if a is not None]
    if len(listed) == 1:
        listed = [replace(listed[0], name="附件")]  # a single attachment has no number
        new_media = listed[0]
    issuer = notice.issuer or f"{titles.city}{ISSUER_SUFFIX}"
    if len(listed) == 1:
        attachment_list = listed[0].title
    else:
        attachment_list = "\n".join(f"{i}.{a.title}" for i, a in enumerate(listed, start=1))
    return {
        "city": xml_text(titles.city),
        "year": titles.year,
        "quarter": titles.quarter,
        "issuer": xml_text(issuer),
        "subject": "政府网站和政务新媒体" if websites is not None else "政务新媒体",
        "overview": overview_sections(result, summary, window_days),
        "problems": [
            {"heading": heading, "text": xml_text(text)}
            for heading, text in problem_sections(result, window_days, notice.max_listed)
        ],
        "attachment_refs": xml_text("和".join(f"《{a.title}》" for a in listed)),
        "attachment_list": Listing(xml_text(attachment_list)),
        "reply_by": month_day(issued_on + timedelta(days=notice.reply_days)),
        "reply_to": xml_text(notice.reply_to or DEFAULT_REPLY_TO),
        "contact": xml_text(f"（{notice.contact}）" if notice.contact else ""),
        "date": date_text(issued_on),
        "websites": _listed(websites, notice.max_listed) if websites is not None else None,
        "new_media": _listed(new_media, notice.max_listed),
    }


def render_notice_docx(template: Path, context: dict[str, Any], target: Path) -> None:
    """Fill ``template`` with ``context`` and save the document to ``target``.

    Raises:
        ConfigError: the template is missing, not a Word document, or its placeholders are wrong.
    """
    if not Path(template).is_file():
        raise ConfigError(f"通报模板不存在：{template}（设置 notice.template）")
    try:
        document = DocxTemplate(str(template))
        document.render(context, autoescape=True)
    except PackageNotFoundError as exc:
        raise ConfigError(f"通报模板 {template} 不是有效的 Word 文档（.docx）") from exc
    except TemplateError as exc:
        raise ConfigError(f"通报模板 {template} 的占位符有误：{exc}") from exc
    except (KeyError, ValueError) as exc:  # not a zip, or a zip without word/document.xml
        raise ConfigError(f"通报模板 {template} 不是有效的 Word 文档（.docx）：{exc}") from exc
    document.save(str(target))
