"""newmedia-audit: audit government new-media accounts the way 政务公开 offices inspect them."""

__version__ = "0.1.0"
