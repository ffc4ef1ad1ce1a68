"""The embedded seed-001 demo (咸宁 2022 Q2): inputs and a replay corpus built deterministically."""

from .build import DemoPaths, build_demo, demo_accounts, demo_filings, demo_scenarios

__all__ = ["DemoPaths", "build_demo", "demo_accounts", "demo_filings", "demo_scenarios"]
