"""notice.docx read back with python-docx: 公文 page set-up and fonts, the body in notice.md's
words, the failing accounts under their reasons, 附件1/附件2 as tables, and a swapped template."""

from __future__ import annotations

import zipfile
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from newmedia_audit.errors import ConfigError
from newmedia_audit.models import AuditResult
from newmedia_audit.report import write_reports
from newmedia_audit.report.notice_docx import BUILT_IN_TEMPLATE, REGISTRY_TEMPLATE
from newmedia_audit.report.notice_template import build_template
from newmedia_audit.settings import NoticeSettings

from .conftest import GENERATED_AT

TITLE = "咸宁市政务公开领导小组办公室关于2022年第二季度全市政府网站和政务新媒体抽查情况的通报"
WEBSITE_HEADERS = ["单位名称", "抽查发现的突出问题", "得分"]
DISTRICT_HEADERS = ["市直/县市区", "抽查数量", "不合格数量", "合格率"]
FAILING_HEADERS = ["市直/县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]


def _write(result: AuditResult, out: Path, notice: NoticeSettings | None = None) -> dict[str, Path]:
    return write_reports(result, out, GENERATED_AT, city="咸宁市", notice=notice)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from .conftest import build_result

    return _write(build_result(), tmp_path_factory.mktemp("notice_docx"))


@pytest.fixture(scope="module")
def doc(written: dict[str, Path]) -> DocumentObject:
    return Document(str(written["notice.docx"]))


def _texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _paragraph(doc: DocumentObject, start: str) -> str:
    [text] = [t for t in _texts(doc) if t.startswith(start)]
    return text


def _table(table: object) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def test_page_is_a4_with_the_gbt_9704_margins(doc: DocumentObject) -> None:
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)


def test_title_names_the_issuer_year_and_quarter(doc: DocumentObject) -> None:
    title = doc.paragraphs[0]
    assert title.text == TITLE
    assert title.style.name == "公文标题"
    assert title.style.font.size == Pt(22)  # 2号


def test_overview_is_worded_as_notice_md(doc: DocumentObject, written: dict[str, Path]) -> None:
    markdown = written["notice.md"].read_text("utf-8")
    paragraphs = [p for p in markdown.split("\n\n") if p.startswith("（")]
    assert len(paragraphs) == 3  # (二) websites, (三) new media, (四) rectification
    texts = _texts(doc)
    for paragraph in paragraphs:
        assert paragraph.strip() in texts
    body = "\n".join(texts)
    assert "总体合格率为85.7%" in body and "其中合格5个" in body and "不合格7个" in body
    assert body.index("一、总体情况") < body.index("二、主要问题") < body.index("三、下一步工作要求")


def test_headings_are_set_in_heiti_and_kaiti(doc: DocumentObject) -> None:
    heading = next(p for p in doc.paragraphs if p.text == "二、主要问题")
    assert heading.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    second = next(p for p in doc.paragraphs if p.text.startswith("（三）政务新媒体抽查情况。"))
    first_run = second.runs[0]
    assert first_run.text == "（三）政务新媒体抽查情况。"
    assert first_run.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert second.runs[1].text.startswith("6月7日至6月20日")


def test_failing_accounts_are_named_under_their_reasons(doc: DocumentObject) -> None:
    problems = _paragraph(doc, "（二）政务新媒体监管有待进一步加强。")
    sentences = {s.split("是", 1)[0]: s for s in problems.split("。") if s[:2] in ("一是", "二是", "三是")}
    assert set(sentences) == {"一", "二", "三"}
    assert "“文化咸宁”微信存在严重表述错误" in problems
    assert "“咸宁就业驿站”微信、“咸宁禁毒宣传”微信等2个账号在监测时间点前2周内未更新" in problems
    assert "“咸宁高新招商网”微信开通以来从未更新" in problems
    assert "“湖北咸宁交警”微博、“嘉鱼旅游”今日头条等2个账号未在湖北省政务新媒体备案" in problems
    assert "“咸宁住建”微信备案账号名称与实际名称不一致" in problems
    assert problems.index("严重表述错误") < problems.index("从未更新") < problems.index("名称不一致")
    websites = _paragraph(doc, "（一）部分政府网站存在突出问题。")
    assert "市民政局被一票否决" in websites and "市教育局得分低于90分" in websites


def test_attachment_line_date_and_reply(doc: DocumentObject) -> None:
    listing = _paragraph(doc, "附件：")
    assert listing == (
        "附件：1.2022年咸宁市政府网站第二季度抽查监测情况表\n2.2022年咸宁市政务新媒体第二季度抽查监测情况表"
    )
    texts = _texts(doc)
    assert "咸宁市政务公开领导小组办公室" in texts and "2022年6月21日" in texts  # the day written
    reply = _paragraph(doc, "请各地、各部门对照")
    assert "《2022年咸宁市政务新媒体第二季度抽查监测情况表》" in reply and "于6月26日前报" in reply


def test_attachments_are_word_tables_with_the_seed_headers(doc: DocumentObject) -> None:
    websites, districts, failing = (_table(t) for t in doc.tables)
    assert websites[0] == WEBSITE_HEADERS
    assert websites[1:4] == [
        ["市政府", "无", "100"],
        ["市教育局", "其他栏目存在应更新未更新的，每发现一处扣1分。共扣1分。-1分", "88.5"],
        ["市民政局", "存在弄虚作假行为，一票否决。", "一票否决"],
    ]
    assert len(websites) == 8
    assert districts == [
        DISTRICT_HEADERS,
        ["市直", "8", "6", "14.3%"],
        ["咸安区", "3", "0", "100%"],
        ["嘉鱼县", "3", "1", "66.7%"],
    ]
    assert failing[0] == FAILING_HEADERS and len(failing) == 8
    assert failing[3] == ["市直", "咸宁高新招商网", "咸宁高新区管委会", "微信服务号", "未备案 开通至今未更新"]
    texts = _texts(doc)
    assert texts.index("附件1") < texts.index("附件2")
    assert "2022年咸宁市政务新媒体第二季度抽查监测情况表" in texts
    assert "注：另有2个政务新媒体无法自动访问，待人工复核，未计入不合格数量和合格率。" in texts


def test_table_headers_repeat_on_every_page(doc: DocumentObject) -> None:
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_fonts_are_named_for_east_asian_text_with_fallbacks(
    written: dict[str, Path], doc: DocumentObject
) -> None:
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)  # 3号
    assert doc.styles["公文标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    with zipfile.ZipFile(written["notice.docx"]) as archive:
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts
    assert 'w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in fonts
    defaults = styles.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]
    assert 'w:eastAsia="仿宋_GB2312"' in defaults and "Theme" not in defaults  # a theme font would win


def test_page_numbers_are_dashed_at_the_foot(doc: DocumentObject) -> None:
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    assert doc.settings.odd_and_even_pages_header_footer


def test_settings_give_the_date_deadline_contact_and_issuer(tmp_path: Path, result: AuditResult) -> None:
    notice = NoticeSettings(
        issued_on=date(2022, 6, 22), reply_days=5, contact="联系人：张三，联系电话：1234567", issuer="某办"
    )
    doc = Document(str(_write(result, tmp_path, notice)["notice.docx"]))
    texts = _texts(doc)
    assert "2022年6月22日" in texts and "某办" in texts
    assert doc.paragraphs[0].text.startswith("某办关于2022年第二季度")
    assert _paragraph(doc, "请各地").endswith(
        "于6月27日前报市政务公开领导小组办公室（联系人：张三，联系电话：1234567）。"
    )


def test_long_lists_are_cut_and_say_where_the_rest_is(tmp_path: Path, result: AuditResult) -> None:
    doc = Document(str(_write(result, tmp_path, NoticeSettings(max_listed=2))["notice.docx"]))
    failing = _table(doc.tables[2])
    assert len(failing) == 3  # the header and two accounts
    assert any("共7行，此处列出前2行，完整清单见 report.xlsx 的“附件2”工作表" in t for t in _texts(doc))
    problems = _paragraph(doc, "（二）政务新媒体监管")
    assert "“咸宁就业驿站”微信、“咸宁禁毒宣传”微信等2个账号" in problems


def test_a_sweep_without_websites_has_a_single_attachment(tmp_path: Path, result: AuditResult) -> None:
    doc = Document(str(_write(result.model_copy(update={"websites": []}), tmp_path)["notice.docx"]))
    texts = _texts(doc)
    assert doc.paragraphs[0].text.endswith("全市政务新媒体抽查情况的通报")
    assert "附件：2022年咸宁市政务新媒体第二季度抽查监测情况表" in texts
    assert "附件" in texts and "附件1" not in texts
    assert len(doc.tables) == 2
    assert not any(t.startswith("（二）网站抽查情况") for t in texts)


def test_characters_word_cannot_hold_are_dropped(tmp_path: Path, result: AuditResult) -> None:
    verdicts = list(result.verdicts)
    bad = verdicts[0].model_copy(
        update={"account": verdicts[0].account.model_copy(update={"name": "文化\x01咸宁\x0b"})}
    )
    changed = result.model_copy(update={"verdicts": [bad, *verdicts[1:]]})
    doc = Document(str(_write(changed, tmp_path)["notice.docx"]))
    assert "“文化咸宁”微信存在严重表述错误" in _paragraph(doc, "（二）政务新媒体监管")


def test_an_office_template_replaces_the_wording(tmp_path: Path, result: AuditResult) -> None:
    own = Document()
    own.add_paragraph("某某市人民政府办公室文件")
    own.add_paragraph("{{ issuer }}：{{ new_media.title }}")
    own.add_paragraph("{%p for s in overview %}")
    own.add_paragraph("{{ s.heading }}{{ s.text }}")
    own.add_paragraph("{%p endfor %}")
    path = tmp_path / "own.docx"
    own.save(str(path))
    doc = Document(str(_write(result, tmp_path / "out", NoticeSettings(template=path))["notice.docx"]))
    texts = _texts(doc)
    assert texts[0] == "某某市人民政府办公室文件"
    assert texts[1] == "咸宁市政务公开领导小组办公室：2022年咸宁市政务新媒体第二季度抽查监测情况表"
    assert texts[2].startswith("（二）网站抽查情况。") and len(texts) == 5


def test_a_missing_or_broken_template_is_a_config_error(tmp_path: Path, result: AuditResult) -> None:
    with pytest.raises(ConfigError, match="通报模板不存在"):
        _write(result, tmp_path / "a", NoticeSettings(template=tmp_path / "none.docx"))
    broken = Document()
    broken.add_paragraph("{{ issuer ")
    broken.save(str(tmp_path / "broken.docx"))
    with pytest.raises(ConfigError, match="占位符有误"):
        _write(result, tmp_path / "b", NoticeSettings(template=tmp_path / "broken.docx"))
    (tmp_path / "text.docx").write_text("not a zip")
    with pytest.raises(ConfigError, match="不是有效的 Word 文档"):
        _write(result, tmp_path / "c", NoticeSettings(template=tmp_path / "text.docx"))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def test_committed_templates_are_what_the_builder_makes(tmp_path: Path) -> None:
    rebuilt = _parts(build_template(tmp_path / "t.docx"))
    assert _parts(BUILT_IN_TEMPLATE) == rebuilt
    registry = Path(__file__).parents[2] / REGISTRY_TEMPLATE
    assert registry.read_bytes() == BUILT_IN_TEMPLATE.read_bytes()
    assert resources.files("newmedia_audit.report").joinpath("notice_template.docx").is_file()


def test_rules_toml_holds_the_city_and_the_notice_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from newmedia_audit.settings import load_settings

    rules = Path(__file__).parents[2] / "registry" / "rules.toml"
    settings = load_settings(rules)
    assert settings.city == "" and settings.notice.reply_days == 5 and settings.notice.max_listed == 1000
    monkeypatch.setenv("NEWMEDIA_AUDIT_CITY", "咸宁市")
    monkeypatch.setenv("NEWMEDIA_AUDIT_NOTICE__ISSUED_ON", "2022-06-22")
    settings = load_settings(rules)
    assert (settings.city, settings.notice.issued_on) == ("咸宁市", date(2022, 6, 22))
