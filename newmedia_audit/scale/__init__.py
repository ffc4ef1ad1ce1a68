"""The national sweep: one sweep shared by many workers through PostgreSQL.

PostgreSQL holds the work queue (procrastinate jobs, one per account), the
results (keyed by sweep, platform and account, written once) and the
politeness state (one row per platform and egress). The visit itself is the
single-machine one (collect/visit.py).
"""
