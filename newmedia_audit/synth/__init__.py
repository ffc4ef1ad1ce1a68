"""Synthetic replay corpora: HAR writer, platform responses, corpus generator."""
