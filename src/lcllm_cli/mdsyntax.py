"""Markdown syntax shared by the awesome-list importer and exporter: inline links, escapes, markers."""

from __future__ import annotations

import re
import unicodedata

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


# Labels: emoji and :shortcodes: that lists put before or after an item (🔥 [Post](url), [**model**](url) - owner 🤗,
# [Talk](url) :clapper:, [Thread](url) 𝕏). 🌟 and its spellings are the highlight, not a label.
HIGHLIGHTS = ("🌟", ":star2:", "⭐", ":star:")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")


def is_marker_char(c: str) -> bool:
    """Emoji and pictographs (So), variation selectors, joiners, skin tones and the mathematical letters lists use
    as logos (𝕏): what label runs are made of."""
    o = ord(c)
    return (
        unicodedata.category(c) == "So"
        or c in "\ufe0f\ufe0e\u200d"
        or 0x1F3FB <= o <= 0x1F3FF
        or 0x1D400 <= o <= 0x1D7FF
    )


def leading_labels(s: str) -> tuple[list[str], str]:
    """The labels at the start of ``s`` (each a run of marker characters or one shortcode) and the rest, stripped."""
    labels: list[str] = []
    s = s.lstrip()
    while s:
        m = _SHORTCODE.match(s)
        if m:
            n = m.end()
        elif is_marker_char(s[0]):
            n = 1
            while n < len(s) and is_marker_char(s[n]):
                n += 1
        else:
            break
        labels.append(s[:n])
        s = s[n:].lstrip()
    return labels, s


def is_label(value: str) -> bool:
    """One label as stored: a run of emoji or one ``:shortcode:``, nothing else (it is written as it is)."""
    labels, rest = leading_labels(value)
    return labels == [value] and not rest
