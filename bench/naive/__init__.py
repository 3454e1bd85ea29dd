"""Naive twins of the map pages, the baseline of ``python -m bench pages``: no caching, one marker per point, full-resolution boundaries."""
