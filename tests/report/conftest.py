"""A small hand-made AuditResult covering every sheet, reason and trap of the reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newmedia_audit.models import (
    Account,
    AuditResult,
    LexiconHit,
    Reason,
    Rectification,
    RegistryIssue,
    SkippedRow,
    Status,
    Verdict,
    VerdictCode,
    WebsiteResult,
    ZombieEntry,
)

CST = timezone(timedelta(hours=8))
SCRIPT = "<script>window.__pwned = 1; document.title = 'pwned'</script>"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'
GENERATED_AT = datetime(2022, 6, 21, 9, 30, tzinfo=CST)


def _account(
    district: str, unit: str, name: str, platform: str, account_type: str = "", aid: str = ""
) -> Account:
    return Account(
        district=district,
        unit=unit,
        name=name,
        platform=platform,
        account_type=account_type,
        account_id=aid or f"id-{name}",
    )


def _verdict(
    account: Account,
    verdict: VerdictCode,
    reasons: list[Reason] | None = None,
    *,
    status: Status = Status.ok,
    last: datetime | None = None,
    **extra: object,
) -> Verdict:
    reasons = reasons or []
    return Verdict(
        account=account,
        status=status,
        live_name=str(extra.pop("live_name", account.name)),
        last_post_at=last,
        verdict=verdict,
        reasons=reasons,
        primary_reason=reasons[0] if reasons else None,
        evidence=f"evidence/{account.platform}/{account.account_id}/",
        **extra,  # type: ignore[arg-type]
    )


P, F, R = VerdictCode.passed, VerdictCode.failed, VerdictCode.review


def build_result() -> AuditResult:
    """14 accounts in 3 districts (7 fail, 5 pass, 2 review), 7 websites in 4 districts."""
    jindu = _verdict(
        _account("市直", "咸宁市公安局", "咸宁禁毒宣传", "wechat", "微信订阅号"),
        F,
        [Reason.not_updated, Reason.unregistered],
        last=datetime(2016, 1, 11, 8, 0, tzinfo=CST),
        unrectified=True,
    )
    gaoxin = _verdict(
        _account("市直", "咸宁高新区管委会", "咸宁高新招商网", "wechat", "微信服务号"),
        F,
        [Reason.never_updated, Reason.unregistered],
    )
    verdicts = [
        _verdict(
            _account("市直", "咸宁市文化和旅游局", "文化咸宁", "wechat", "微信订阅号"),
            F,
            [Reason.serious_error],
            last=datetime(2022, 6, 18, 10, 0, tzinfo=CST),
            live_name='<img src=x onerror="window.__pwned=2">文化咸宁',
            hits=[
                LexiconHit(
                    rule="共合国", word="共合国", correction="共和国", sentence=f"中华人民共合国{SCRIPT}"
                )
            ],
        ),
        _verdict(
            _account("市直", "咸宁市人力资源和社会保障局", "咸宁就业驿站", "wechat", "微信服务号"),
            F,
            [Reason.not_updated],
            last=datetime(2022, 1, 25, 9, 0, tzinfo=CST),
        ),
        gaoxin,
        jindu,
        _verdict(
            _account("市直", "咸宁市公安局", "湖北咸宁交警", "weibo", "新浪微博"),
            F,
            [Reason.unregistered],
            last=datetime(2022, 6, 19, 1, 0, tzinfo=UTC),
        ),
        _verdict(
            _account("市直", "咸宁市住房和城乡建设局", "咸宁住建", "wechat", "微信服务号"),
            F,
            [Reason.name_mismatch],
            live_name=FORMULA,
            last=datetime(2022, 6, 17, 10, 0, tzinfo=CST),
        ),
        _verdict(
            _account("市直", "咸宁市人民政府", "咸宁发布", "weibo"),
            P,
            last=datetime(2022, 6, 20, 8, 0, tzinfo=CST),
        ),
        _verdict(
            _account("市直", "咸宁市人民政府", "咸宁发布视频号", "other:微信视频号", aid=""),
            R,
            status=Status.unsupported,
            review_reason="平台暂不支持自动检查，等待人工复核",
        ),
        _verdict(
            _account("咸安区", "咸安区人民政府", "咸安发布", "douyin"),
            P,
            last=datetime(2022, 6, 19, tzinfo=CST),
        ),
        _verdict(
            _account("咸安区", "咸安区人民政府", "咸安头条", "toutiao"),
            P,
            last=datetime(2022, 6, 15, tzinfo=CST),
        ),
        _verdict(
            _account("咸安区", "咸安区教育局", "+咸安教育", "wechat", "微信订阅号"),
            R,
            status=Status.blocked,
            review_reason="搜狗验证码拦截",
        ),
        _verdict(
            _account("嘉鱼县", "嘉鱼县文化和旅游局", "嘉鱼旅游", "toutiao", "今日头条"),
            F,
            [Reason.unregistered],
            last=datetime(2022, 6, 10, tzinfo=CST),
        ),
        _verdict(
            _account("嘉鱼县", "嘉鱼县人民政府", "嘉鱼发布", "wechat", "微信订阅号"),
            P,
            last=datetime(2022, 6, 12, tzinfo=CST),
        ),
        _verdict(
            _account("嘉鱼县", "嘉鱼县卫健局", "@嘉鱼卫健", "weibo"),
            P,
            last=datetime(2022, 6, 11, tzinfo=CST),
        ),
    ]
    websites = [
        WebsiteResult(unit="市政府", district="市直", findings="无", score=100),
        WebsiteResult(
            unit="市教育局",
            district="市直",
            findings="其他栏目存在应更新未更新的，每发现一处扣1分。共扣1分。-1分",
            score=88.5,
            deductions=[1, 0.5, 5, 5],
        ),
        WebsiteResult(
            unit="市民政局", district="市直", findings="存在弄虚作假行为，一票否决。", veto=True, passed=False
        ),
        WebsiteResult(
            unit="市财政局",
            district="市直",
            findings="共扣6分。",
            score=94,
            deductions=[2, 3],
            consistent=False,
        ),
        WebsiteResult(unit="咸安区", district="咸安区", findings="无", score=100),
        WebsiteResult(unit="嘉鱼县", district="嘉鱼县", findings="共扣8分。", score=92, deductions=[5, 2, 1]),
        WebsiteResult(
            unit="咸宁高新区", district="咸宁高新区", findings="共扣5分。", score=95, deductions=[5]
        ),
    ]
    return AuditResult(
        as_of=date(2022, 6, 20),
        province="湖北省",
        verdicts=verdicts,
        websites=websites,
        website_pass_line=60,
        registry_issues=[
            RegistryIssue(
                kind="unfiled", platform="wechat", account_id="id-咸宁高新招商网", live_name="咸宁高新招商网"
            ),
            RegistryIssue(
                kind="name_mismatch",
                platform="wechat",
                live_name="咸宁住建",
                filed_name="咸宁城建",
                filing_no="HB-001",
            ),
            RegistryIssue(
                kind="gone", platform="weibo", account_id="123", filed_name="咸宁旧号", filing_no="HB-002"
            ),
            RegistryIssue(kind="not_in_ledger", platform="douyin", filed_name="赤壁文旅", filing_no="HB-003"),
        ],
        zombies=[
            ZombieEntry(account=gaoxin.account, last_post_at=None, days_silent=None, action="关停注销"),
            ZombieEntry(
                account=jindu.account, last_post_at=jindu.last_post_at, days_silent=2352, action="关停注销"
            ),
        ],
        rectification=Rectification(
            previous_label="2022年3月份",
            previous_checked=200,
            previous_failed=12,
            unrectified=[jindu],
            fixed=[gaoxin.account],
        ),
        skipped_rows=[SkippedRow(file="台账.xlsx", row=7, column="平台", value="知乎", message="未知平台")],
        district_order=["市直", "咸安区", "嘉鱼县"],
    )


@pytest.fixture
def result() -> AuditResult:
    return build_result()
