"""Showing untrusted text in Streamlit elements that render Markdown."""

from __future__ import annotations

import string

# CommonMark lets a backslash escape any ASCII punctuation, so escaping all of
# it shows the text exactly as typed: no links, images, code or emphasis.
_ESCAPES = {ord(ch): "\\" + ch for ch in string.punctuation}


def escape_markdown(text: object) -> str:
    """Return ``text`` with every ASCII punctuation character backslash-escaped."""
    return "" if text is None else str(text).translate(_ESCAPES)
