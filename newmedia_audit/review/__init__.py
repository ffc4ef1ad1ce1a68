"""The officer review page (``newmedia-audit review OUTDIR``): lists, account pages, decisions.

Decisions are kept append-only in the sweep's store and mirrored into
OUTDIR/overrides.csv, so the reports the page regenerates and
``newmedia-audit report OUTDIR --overrides OUTDIR/overrides.csv`` agree.
"""
