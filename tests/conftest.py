"""Suite-wide test settings."""

from hypothesis import HealthCheck, settings

# CI machines have 2 cores shared with a browser: no per-example deadline, a modest budget.
settings.register_profile("ci", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
