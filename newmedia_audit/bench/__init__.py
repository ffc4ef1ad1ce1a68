"""``make bench`` (issue 8): throughput, memory and scheduling figures on this machine.

Run ``python -m newmedia_audit.bench`` (full sizes) or ``--quick``. See
``__main__`` for the stages; every figure is also written as JSON to
``outputs/bench/bench.json``.
"""
