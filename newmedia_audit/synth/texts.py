"""Benign post titles for synthetic accounts (no lexicon wrong form may appear here)."""

from __future__ import annotations

TITLES: tuple[str, ...] = (
    "{name}：五一假期出行安全提示",
    "【权威发布】{unit}召开第二季度重点工作推进会",
    "{unit}深入开展“我为群众办实事”实践活动",
    "防汛备汛工作部署会召开，确保安全度汛",
    "一图读懂：{unit}2022年政府信息公开工作要点",
    "关于开展安全生产月活动的通知",
    "世界读书日｜与书为伴，共享书香",
    "《中华人民共和国安全生产法》宣传周活动启动",
    "疫情防控提醒：请继续做好个人防护",
    "优化营商环境，{name}在行动",
    "青年节特辑：奋斗的青春最美丽",
    "乡村振兴看{name}：春耕生产忙",
    "服务“一带一路”倡议，外贸企业稳订单",
    "便民服务：这些事项可以“网上办”“掌上办”",
    "打击电信网络诈骗，守护群众钱袋子",
    "文明创建进行时，共建美好家园",
)

OLD_TITLES: tuple[str, ...] = (
    "关于本公众号运营的说明",
    "置顶｜联系我们：服务热线与办公地址",
    "欢迎关注{name}",
)


def title(index: int, name: str, unit: str) -> str:
    """A benign title, chosen deterministically by ``index``."""
    return TITLES[index % len(TITLES)].format(name=name, unit=unit)


def old_title(index: int, name: str) -> str:
    """A title for an old (often pinned) post."""
    return OLD_TITLES[index % len(OLD_TITLES)].format(name=name, unit=name)
