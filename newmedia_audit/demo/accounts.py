"""Account definitions of the seed-001 demo (咸宁, 2022 Q2, monitoring point 2022-05-10).

The only place outside tests where the seed's figures live: the districts and
their account counts, the 21 failing accounts of the seed's 附件2 table (unit,
name, type, and what makes each fail), and plausible passing accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ..models import Platform
from ..synth.platforms import CST

CITY = "咸宁市"  # whose office issues the notice: the titles of notice.docx and 附件1/附件2
NOTICE_DATE = date(2022, 6, 22)  # 成文日期 of the seed's notice
AS_OF = date(2022, 5, 10)
PREVIOUS_AS_OF = date(2022, 3, 10)
PREVIOUS_CHECKED = 218
PREVIOUS_FAILED = 12
PREVIOUS_LABEL = "2022年3月份"  # how the seed names the previous notice (3月份通报)
PREVIOUS_GENERATED_AT = "2022-03-15T10:00:00+08:00"

# District -> accounts checked (seed 001, 附件2), in the notice's order.
DISTRICT_COUNTS: dict[str, int] = {
    "市直": 67,
    "咸安区": 31,
    "嘉鱼县": 14,
    "赤壁市": 30,
    "通城县": 21,
    "崇阳县": 36,
    "通山县": 15,
}

TYPE_PLATFORM: dict[str, Platform] = {
    "微信服务号": Platform.wechat,
    "微信订阅号": Platform.wechat,
    "新浪微博": Platform.weibo,
    "抖音短视频": Platform.douyin,
    "今日头条": Platform.toutiao,
}
PLATFORM_TYPE: dict[Platform, str] = {
    Platform.wechat: "微信订阅号",
    Platform.weibo: "新浪微博",
    Platform.douyin: "抖音短视频",
    Platform.toutiao: "今日头条",
}


class Situation(StrEnum):
    """What is true of the account on its platform."""

    fresh = "fresh"  # a post within the 14 days before AS_OF
    stale = "stale"  # last post at ``last_post``
    never = "never"  # found, no post at all
    serious = "serious"  # a fresh post whose title holds a lexicon wrong form


@dataclass(frozen=True)
class DemoAccount:
    """One ledger account of the demo and the facts the corpus must make true."""

    district: str
    unit: str
    name: str
    account_type: str
    situation: Situation = Situation.fresh
    filed: bool = True
    filed_name: str = ""  # the registry's name when it differs from ``name``
    wechat_id: str = ""  # fixed 微信号 (else derived)
    last_post: datetime | None = None  # for Situation.stale
    title: str = ""  # the newest post's title (serious errors)

    @property
    def platform(self) -> Platform:
        return TYPE_PLATFORM[self.account_type]


def _at(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CST)


S = Situation
# The seed's 附件2 table, in its order: every account with every reason the table shows.
FAILING: tuple[DemoAccount, ...] = (
    DemoAccount(
        "市直", "咸宁高新区管委会", "咸宁高新招商网", "微信服务号", S.never, filed=False, wechat_id="xngxzsw"
    ),
    DemoAccount(
        "市直",
        "咸宁市人力资源和社会保障局",
        "咸宁就业驿站",
        "微信服务号",
        S.stale,
        wechat_id="xnjyyz",
        last_post=_at(2022, 1, 25, 10, 30),
    ),
    DemoAccount("市直", "咸宁市交通运输局", "咸宁交投集团", "微信订阅号", filed=False, wechat_id="xnjtjt"),
    DemoAccount(
        "市直", "咸宁市医疗保障局", "咸宁市医疗保障局", "微信订阅号", filed=False, wechat_id="xnsybj"
    ),
    DemoAccount("市直", "咸宁市公安局", "温泉公安", "微信订阅号", S.never, filed=False, wechat_id="wqga110"),
    DemoAccount("市直", "咸宁市公安局", "咸宁交警", "微信服务号", filed=False, wechat_id="xnjj122"),
    DemoAccount(
        "市直",
        "咸宁市公安局",
        "咸宁禁毒宣传",
        "微信订阅号",
        S.stale,
        filed=False,
        wechat_id="xnjdxc",
        last_post=_at(2016, 1, 11, 16, 20),
    ),
    DemoAccount(
        "市直", "咸宁市市场监督管理局", "咸宁食药监", "微信订阅号", S.never, filed=False, wechat_id="xnsyjj"
    ),
    DemoAccount(
        "市直",
        "咸宁市交通运输局",
        "咸宁城市绿色货运配送平台",
        "微信服务号",
        S.never,
        filed=False,
        wechat_id="xnlshyps",
    ),
    DemoAccount("市直", "咸宁市公安局", "湖北咸宁交警", "新浪微博", filed=False),
    DemoAccount("市直", "咸宁市疾病预防控制中心", "健康咸宁", "抖音短视频", filed=False),
    DemoAccount("市直", "咸宁市疾控中心", "健康咸宁", "微信订阅号", filed=False, wechat_id="jkxn_cdc"),
    DemoAccount(
        "市直",
        "咸宁市文化和旅游局",
        "文化咸宁",
        "微信订阅号",
        S.serious,
        wechat_id="whxn2016",
        title="深入学习《中华人民共合国文物保护法》 守护咸宁历史文脉",
    ),
    DemoAccount(
        "市直", "咸宁市住房和城乡建设局", "咸宁住建", "微信服务号", filed_name="咸宁城建", wechat_id="xnzjfw"
    ),
    DemoAccount(
        "市直",
        "咸宁市退役军人事务局",
        "咸宁市退役军人事务局",
        "微信订阅号",
        S.serious,
        wechat_id="xntyjrswj",
        title="市退役军人事务局召开专题会议 坚决落实市委市攻府决策部署",
    ),
    DemoAccount(
        "市直",
        "咸宁市生态环境局",
        "咸宁市生态环境局",
        "微信订阅号",
        S.serious,
        wechat_id="xnsthjj",
        title="主动融入一带一路战略 推动生态环境保护与绿色发展",
    ),
    DemoAccount(
        "市直", "咸宁市教育科学研究院", "咸宁市教育科学研究院", "微信订阅号", filed=False, wechat_id="xnjky1"
    ),
    DemoAccount(
        "嘉鱼县", "嘉鱼县疾病预防控制中心", "嘉鱼疾控", "微信订阅号", filed=False, wechat_id="jyjk_cdc"
    ),
    DemoAccount("嘉鱼县", "嘉鱼县文化和旅游局", "嘉鱼旅游", "今日头条", filed=False),
    DemoAccount(
        "崇阳县",
        "崇阳县退役军人事务局",
        "崇阳县退役军人事务局",
        "微信订阅号",
        S.serious,
        wechat_id="cytyjrswj",
        title="学习贯彻《中华人民共合国退役军人保障法》 崇阳县召开专题座谈会",
    ),
    DemoAccount(
        "崇阳县",
        "崇阳县青山镇人民政府",
        "平安青山绿色",
        "微信订阅号",
        S.never,
        filed=False,
        wechat_id="paqslse",
    ),
)

# Passing city-level (市直) accounts: (unit, name, type).
CITY_PASSING: tuple[tuple[str, str, str], ...] = (
    ("咸宁市人民政府办公室", "咸宁发布", "微信订阅号"),
    ("咸宁市人民政府办公室", "咸宁发布", "新浪微博"),
    ("咸宁市人民政府办公室", "咸宁发布", "抖音短视频"),
    ("咸宁市人民政府办公室", "咸宁发布", "今日头条"),
    ("咸宁市人民政府办公室", "咸宁市人民政府网", "微信服务号"),
    ("咸宁市发展和改革委员会", "咸宁发改", "微信订阅号"),
    ("咸宁市教育局", "咸宁教育", "微信订阅号"),
    ("咸宁市教育局", "咸宁教育", "新浪微博"),
    ("咸宁市科学技术局", "咸宁科技", "微信订阅号"),
    ("咸宁市经济和信息化局", "咸宁经信", "微信订阅号"),
    ("咸宁市公安局", "平安咸宁", "微信订阅号"),
    ("咸宁市公安局", "平安咸宁", "新浪微博"),
    ("咸宁市公安局", "平安咸宁", "抖音短视频"),
    ("咸宁市公安局", "咸宁公安", "今日头条"),
    ("咸宁市民政局", "咸宁民政", "微信订阅号"),
    ("咸宁市司法局", "咸宁司法", "微信订阅号"),
    ("咸宁市司法局", "咸宁司法", "新浪微博"),
    ("咸宁市财政局", "咸宁财政", "微信订阅号"),
    ("咸宁市人力资源和社会保障局", "咸宁人社", "微信订阅号"),
    ("咸宁市人力资源和社会保障局", "咸宁人社", "抖音短视频"),
    ("咸宁市自然资源和规划局", "咸宁自然资源和规划", "微信订阅号"),
    ("咸宁市生态环境局", "咸宁生态环境", "新浪微博"),
    ("咸宁市交通运输局", "咸宁交通", "微信订阅号"),
    ("咸宁市水利和湖泊局", "咸宁水利", "微信订阅号"),
    ("咸宁市农业农村局", "咸宁农业农村", "微信订阅号"),
    ("咸宁市商务局", "咸宁商务", "微信订阅号"),
    ("咸宁市文化和旅游局", "咸宁文旅", "抖音短视频"),
    ("咸宁市文化和旅游局", "咸宁文旅", "新浪微博"),
    ("咸宁市卫生健康委员会", "咸宁卫健", "微信订阅号"),
    ("咸宁市卫生健康委员会", "咸宁卫健", "新浪微博"),
    ("咸宁市应急管理局", "咸宁应急管理", "微信订阅号"),
    ("咸宁市审计局", "咸宁审计", "微信订阅号"),
    ("咸宁市人民政府国有资产监督管理委员会", "咸宁国资", "微信订阅号"),
    ("咸宁市市场监督管理局", "咸宁市场监管", "微信订阅号"),
    ("咸宁市医疗保障局", "咸宁医保", "新浪微博"),
    ("咸宁市乡村振兴局", "咸宁乡村振兴", "微信订阅号"),
    ("咸宁市地方金融工作局", "咸宁金融", "微信订阅号"),
    ("咸宁市政务服务和大数据管理局", "咸宁政务服务", "微信订阅号"),
    ("咸宁市政务服务和大数据管理局", "咸宁12345", "微信服务号"),
    ("咸宁市林业局", "咸宁林业", "微信订阅号"),
    ("咸宁市城市管理执法委员会", "咸宁城管", "微信订阅号"),
    ("咸宁市城市管理执法委员会", "咸宁城管", "抖音短视频"),
    ("咸宁市招商和投资促进局", "咸宁招商", "微信订阅号"),
    ("咸宁住房公积金中心", "咸宁公积金", "微信服务号"),
    ("咸宁市供销合作社", "咸宁供销", "微信订阅号"),
    ("咸宁高新区管委会", "咸宁高新区发布", "微信订阅号"),
    ("咸宁市气象局", "咸宁气象", "新浪微博"),
    ("咸宁市消防救援支队", "咸宁消防", "抖音短视频"),
    ("共青团咸宁市委员会", "青春咸宁", "微信订阅号"),
    ("咸宁市退役军人事务局", "咸宁退役军人", "抖音短视频"),
)

# County templates: (unit pattern, name pattern, type); {P} county, {S} short name.
COUNTY_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("{P}人民政府办公室", "{S}发布", "微信订阅号"),
    ("{P}人民政府办公室", "{S}发布", "新浪微博"),
    ("{P}人民政府办公室", "{S}发布", "抖音短视频"),
    ("{P}人民政府办公室", "{S}发布", "今日头条"),
    ("{P}公安局", "平安{S}", "微信订阅号"),
    ("{P}公安局", "平安{S}", "新浪微博"),
    ("{P}公安局", "{S}公安", "抖音短视频"),
    ("{P}教育局", "{S}教育", "微信订阅号"),
    ("{P}卫生健康局", "健康{S}", "微信订阅号"),
    ("{P}市场监督管理局", "{S}市场监管", "微信订阅号"),
    ("{P}人力资源和社会保障局", "{S}人社", "微信订阅号"),
    ("{P}应急管理局", "{S}应急管理", "微信订阅号"),
    ("{P}文化和旅游局", "{S}文旅", "微信订阅号"),
    ("{P}文化和旅游局", "{S}文旅", "抖音短视频"),
    ("{P}交通运输局", "{S}交通", "微信订阅号"),
    ("{P}农业农村局", "{S}农业农村", "微信订阅号"),
    ("{P}民政局", "{S}民政", "微信订阅号"),
    ("{P}司法局", "{S}司法", "微信订阅号"),
    ("{P}住房和城乡建设局", "{S}住建", "微信订阅号"),
    ("{P}自然资源和规划局", "{S}自然资源", "微信订阅号"),
    ("{P}医疗保障局", "{S}医保", "微信订阅号"),
    ("{P}城市管理执法局", "{S}城管", "微信订阅号"),
    ("{P}水利和湖泊局", "{S}水利", "微信订阅号"),
    ("{P}退役军人事务局", "{S}退役军人", "抖音短视频"),
    ("{P}消防救援大队", "{S}消防", "抖音短视频"),
    ("国家税务总局{P}税务局", "{S}税务", "微信订阅号"),
    ("共青团{P}委员会", "青春{S}", "微信订阅号"),
    ("{P}妇女联合会", "{S}妇联", "微信订阅号"),
)

# County -> (short name, wechat id prefix, towns).
COUNTIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "咸安区": ("咸安", "xa", ("横沟桥镇", "贺胜桥镇", "双溪桥镇", "马桥镇", "桂花镇", "高桥镇", "向阳湖镇")),
    "嘉鱼县": ("嘉鱼", "jy", ("鱼岳镇", "簰洲湾镇", "陆溪镇", "官桥镇", "新街镇", "渡普镇")),
    "赤壁市": ("赤壁", "cb", ("蒲圻街道", "赤马港街道", "陆水湖街道", "车埠镇", "赵李桥镇", "茶庵岭镇")),
    "通城县": ("通城", "tc", ("隽水镇", "麦市镇", "塘湖镇", "关刀镇", "沙堆镇", "五里镇")),
    "崇阳县": (
        "崇阳",
        "cy",
        ("天城镇", "沙坪镇", "石城镇", "桂花泉镇", "白霓镇", "路口镇", "金塘镇", "肖岭乡"),
    ),
    "通山县": ("通山", "ts", ("通羊镇", "南林桥镇", "黄沙铺镇", "厦铺镇", "九宫山镇", "闯王镇")),
}

# Filed names that differ only in form (full-width, traditional, whitespace,
# zero-width): NOT name mismatches. Keyed by (district, name, type).
FILED_VARIANTS: dict[tuple[str, str, str], str] = {
    ("市直", "咸宁12345", "微信服务号"): "咸宁１２３４５",
    ("市直", "咸宁发布", "新浪微博"): "鹹寧發佈",
    ("嘉鱼县", "嘉鱼发布", "微信订阅号"): "嘉鱼 发布",
    ("通山县", "通山发布", "微信订阅号"): "通山\u200b发布",
    ("崇阳县", "崇阳发布", "微信订阅号"): "崇陽發佈",
    ("赤壁市", "平安赤壁", "微信订阅号"): "平安　赤壁",
}

# Filings with no account id (matched by platform + name).
FILED_WITHOUT_ID: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("市直", "咸宁审计", "微信订阅号"),
        ("通城县", "通城教育", "微信订阅号"),
        ("咸安区", "咸安民政", "微信订阅号"),
    }
)

# Registry rows with no ledger account (coverage gaps), and a cancelled filing
# (已注销: does not count) for an unfiled ledger account.
EXTRA_FILINGS: tuple[tuple[str, str, str, str], ...] = (
    ("市直", "咸宁市档案馆", "咸宁档案", "微信订阅号"),
    ("通城县", "通城县文化和旅游局", "通城旅游", "今日头条"),
)
CANCELLED_FILING: tuple[str, str, str] = ("市直", "咸宁交投集团", "微信订阅号")

# Transient faults and search decoys sprinkled over passing and failing accounts.
FLAKY_503: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("市直", "咸宁发布", "新浪微博"),
        ("市直", "平安咸宁", "抖音短视频"),
        ("咸安区", "咸安发布", "微信订阅号"),
    }
)
FLAKY_EMPTY_FEED: frozenset[tuple[str, str, str]] = frozenset({("市直", "咸宁发布", "今日头条")})
DECOYS: dict[tuple[str, str, str], tuple[str, str]] = {
    # (district, name, type) -> (decoy name, decoy 微信号); the decoy shows a fresh article.
    ("市直", "咸宁就业驿站", "微信服务号"): ("咸宁就业", "xnjiuye"),
    ("市直", "温泉公安", "微信订阅号"): ("温泉公安分局", "wqgafj"),
    ("市直", "咸宁发布", "微信订阅号"): ("咸宁发布厅", "xnfbt"),
}

# The previous sweep (2022 Q1, as of PREVIOUS_AS_OF).
# Current passing accounts that failed then: (district, name, type) -> reason.
PREVIOUS_FIXED: dict[tuple[str, str, str], str] = {
    ("市直", "咸宁司法", "新浪微博"): "not_updated",
    ("咸安区", "咸安教育", "微信订阅号"): "not_updated",
    ("通山县", "通山发布", "抖音短视频"): "not_updated",
    ("市直", "咸宁金融", "微信订阅号"): "unregistered",
    ("赤壁市", "赤壁交通", "微信订阅号"): "unregistered",
    ("通城县", "通城民政", "微信订阅号"): "unregistered",
    ("市直", "咸宁公积金", "微信服务号"): "name_mismatch",
}
# Accounts of the previous sweep closed since (关停注销): (district, unit, name, type, reason, status).
PREVIOUS_CLOSED: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("市直", "咸宁市发展和改革委员会", "咸宁物价", "微信订阅号", "never_updated", "ok"),
    ("通城县", "通城县文化和旅游局", "通城旅游", "今日头条", "never_updated", "ok"),
    ("崇阳县", "崇阳县招商局", "崇阳招商", "微信订阅号", "never_updated", "ok"),
    ("赤壁市", "赤壁市林业局", "赤壁林业", "新浪微博", "unreachable", "not_found"),
)
# The failing account the previous sweep flagged and that fails again (上期通报未整改).
PREVIOUS_UNRECTIFIED: tuple[str, str, str] = ("市直", "咸宁禁毒宣传", "微信订阅号")
