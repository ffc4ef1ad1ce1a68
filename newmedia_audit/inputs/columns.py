"""Header aliases of the three input files (design.md "Inputs").

The first alias of each key is the canonical Chinese header; the English key
always matches too; the others are variants seen in seed tables and exports.
Headers are compared after removing whitespace, so 单位 名称 = 单位名称.
"""

from __future__ import annotations

from .table import TableSpec

DISTRICT = ("地区", "市直/县市区", "市直/县(市、区)", "县市区", "县(市、区)", "所属地区", "区域", "行政区划")
ACCOUNT_ID = ("账号ID", "账号id", "帐号ID", "账号标识", "微信号", "UID", "sec_uid", "token", "原始ID")
URL = ("主页地址", "主页链接", "账号主页", "主页URL", "链接", "网址", "地址", "URL")
ACCOUNT_TYPE = ("账号类型", "新媒体类型", "帐号类型", "类型")
PLATFORM = ("平台", "所属平台", "平台名称", "发布平台", "新媒体平台")
NAME = ("账号名称", "新媒体名称", "帐号名称", "账号名", "名称", "公众号名称")
UNIT = ("主办单位", "开办单位", "主办单位名称", "运营单位", "单位名称", "单位")

LEDGER = TableSpec(
    aliases={
        "district": DISTRICT,
        "unit": UNIT,
        "name": NAME,
        "platform": PLATFORM,
        "account_type": ACCOUNT_TYPE,
        "account_id": ACCOUNT_ID,
        "url": URL,
        "level": ("级别", "层级", "账号级别"),
    },
    required=("district", "unit", "name", ("platform", "account_type"), ("account_id", "url")),
)

REGISTRY = TableSpec(
    aliases={
        "filing_no": ("备案编号", "备案号", "编号"),
        "name": NAME,
        "platform": PLATFORM,
        "account_type": ACCOUNT_TYPE,
        "account_id": ACCOUNT_ID,
        "url": URL,
        "unit": UNIT,
        "district": DISTRICT,
        "status": ("状态", "备案状态", "账号状态"),
        "filed_on": ("备案日期", "备案时间", "登记日期"),
    },
    required=("name", ("platform", "account_type"), "unit"),
)

WEBSITES = TableSpec(
    aliases={
        "unit": ("单位名称", "单位", "网站主办单位", "主办单位", "网站名称"),
        "district": DISTRICT,
        "findings": ("突出问题", "抽查发现的突出问题", "发现的突出问题", "存在问题", "扣分情况", "问题"),
        "score": ("得分", "分数", "总分", "评分"),
        "result": ("结果", "检查结果", "是否合格", "结论"),
    },
    required=("unit", "findings", "score"),
)
