"""重新生成报告: the same job as ``newmedia-audit report OUTDIR --overrides OUTDIR/overrides.csv``.

It calls the report command's own function (``pipeline.report_command``) with
the page's overrides file, so the page and the command cannot drift apart;
then rebuilds the listing index from the new verdicts. It runs in a worker
thread with its own store connections while the page keeps answering.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import pipeline
from ..store import Store
from . import index
from .decisions import OVERRIDES_FILE


def regenerate_reports(out_dir: Path, config: Path | None = None) -> None:
    """Re-assess the stored observations with OUTDIR/overrides.csv and rewrite every report.

    Raises:
        InputError, ConfigError, OutputError: as ``newmedia-audit report`` would.
    """
    out_dir = Path(out_dir)
    args = argparse.Namespace(dir=out_dir, overrides=out_dir / OVERRIDES_FILE, config=config, previous=None)
    pipeline.report_command(args)
    store = Store(out_dir / pipeline.STATE_FILE)
    try:
        index.rebuild(store, out_dir)
    finally:
        store.close()
