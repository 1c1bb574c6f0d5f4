"""Markdown syntax shared by the awesome-list importer and exporter: inline links, escapes, markers."""

from __future__ import annotations

import re

# `lcllm export --markdown --in-place FILE` replaces only what lies between these two lines;
# `lcllm import FILE` reads only what lies between them when they are present.
MARKER_START = "<!-- lcllm:start -->"
MARKER_END = "<!-- lcllm:end -->"

# [text](url) and ![alt](src): text may hold escaped brackets or one level of nested [..]; the URL may hold
# balanced parentheses (Wikipedia-style) and an optional "title".
INLINE_LINK = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\])*)\]"
    r"\(\s*<?(?P<url>(?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
ESCAPABLE = r"""\`*_{}[]()<>#+-.!|~$&"'"""
_UNESCAPE = re.compile(r"\\([" + re.escape(ESCAPABLE) + r"])")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&"}
_ENTITY = re.compile("|".join(re.escape(k) for k in _ENTITIES))


def unescape(text: str) -> str:
    """Undo Markdown backslash escapes and the few HTML entities the exporter writes."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], _UNESCAPE.sub(r"\1", text))


def collapse_ws(text: str) -> str:
    """Join hard-wrapped lines: every run of white space becomes one space."""
    return " ".join(text.split())
