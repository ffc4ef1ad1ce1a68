"""Visiting accounts: replay router, browser pool, politeness, one collector a platform."""
