"""Text to LaTeX for BibTeX fields, and back: escaping, math kept as math, title protection, accents.

* :func:`escape` turns plain text into LaTeX that BibTeX, biber and pandoc read as that text: the specials
  ``& % $ # _ { } ~ ^ \\`` are escaped, inline math such as ``$\\infty$`` is kept as math.
* :func:`protect_title` also wraps words with capitals after their first letter (acronyms, ``LongRoPE``,
  ``GPT-4``) in braces, so bibliography styles that lower-case titles leave them alone.
* With ``ascii=True`` accented letters become LaTeX accent commands (``{\\'e}``) for classic BibTeX; characters
  that have no such form are written as ``?`` and reported through the ``lost`` list.
* :func:`unescape` reads such LaTeX back into plain text (the BibTeX importer uses it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

# A math span: $...$ whose content starts and ends with a non-space and looks like math (a command, a
# sub/superscript or braces), e.g. ``$\infty$``, ``$O(n^2)$``. "$5 and $10" is not math.
MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])(?P<body>[^$]*?[\\^_{}][^$]*?)(?<=[^\s\\])\$(?!\$)")

_SPECIALS = {
    "\\": r"\textbackslash{}",
    # Classic BibTeX counts braces even when escaped, so a lone "\}" would end the field early: the
    # brace commands balance whatever the text holds.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")

# Combining marks and the LaTeX accent command for each.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
_ACCENT_CMD = {v: k for k, v in _ACCENTS.items()}
# Letters that do not decompose, and punctuation with an ASCII LaTeX form.
_LETTERS = {
    "ı": r"{\i}",
    "ȷ": r"{\j}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ß": r"{\ss}",
    "å": r"{\aa}",
    "Å": r"{\AA}",
}
_PUNCT = {
    "\u2013": "--",
    "\u2014": "---",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2026": r"\ldots{}",
    "\u00a0": "~",
    "\u00a7": r"\S{}",
    "\u00b6": r"\P{}",
    "\u00a9": r"\copyright{}",
    "\u00a3": r"\pounds{}",
    "\u00d7": r"$\times$",
    "\u221e": r"$\infty$",
    "\u2192": r"$\rightarrow$",
    "\u2264": r"$\leq$",
    "\u2265": r"$\geq$",
    "\u00b1": r"$\pm$",
}
_GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
for _i, _name in enumerate(_GREEK):
    if _name != "omicron":
        _PUNCT[chr(0x3B1 + _i + (1 if _i >= 17 else 0))] = f"$\\{_name}$"


# Commands allowed inside a kept $...$ span: math symbols and fonts only. A span with any other command
# (\input, \write18, \def, \catcode, ...) is not kept as math but escaped as text, so no title can inject LaTeX.
_MATH_WORDS = """varepsilon vartheta varpi varrho varsigma varphi infty partial nabla ell hbar aleph emptyset
    cdot cdots ldots dots vdots ddots times div pm mp ast star circ bullet oplus otimes odot
    leq geq le ge neq ne approx sim simeq cong equiv propto ll gg prec succ subset supset subseteq supseteq
    in notin ni cap cup wedge vee setminus forall exists neg lnot top bot perp mid parallel
    to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto uparrow downarrow
    sum prod int oint lim sup inf max min log ln exp sin cos tan arg det dim
    frac dfrac tfrac sqrt binom overline underline hat tilde bar vec dot ddot widehat widetilde
    mathbb mathcal mathrm mathbf mathit mathsf mathtt mathfrak boldsymbol operatorname text
    left right big Big bigl bigr langle rangle lceil rceil lfloor rfloor quad qquad prime"""
MATH_COMMANDS = frozenset([*_GREEK, *(g.capitalize() for g in _GREEK), *_MATH_WORDS.split()])
_MATH_CMD = re.compile(r"\\([A-Za-z]+)")


# What a kept math span may not hold at all: TeX's ^^ notation (``^^5c`` is a backslash, so ``^^5cinput`` reads a
# file), a backslash before anything but a letter or a few spacing and brace symbols, comment, parameter and
# alignment characters, and control characters. Letters-only commands must be in MATH_COMMANDS.
_UNSAFE_IN_MATH = re.compile(r"\^\^|\\[^A-Za-z,;:!{}| ]|\\\Z|[%#&\x00-\x1f\x7f]")


def _safe_math(body: str) -> bool:
    return (
        _UNSAFE_IN_MATH.search(body) is None
        and _balanced(body)
        and all(name in MATH_COMMANDS for name in _MATH_CMD.findall(body))
    )


# Text commands a kept raw value (an imported .bib's own field) may use: accents, spacing, fonts, escapes.
_TEXT_COMMANDS = frozenset(
    [
        "textit",
        "textbf",
        "emph",
        "textsc",
        "texttt",
        "textrm",
        "textsf",
        "url",
        "href",
        "ldots",
        "dots",
        "textendash",
        "textemdash",
        "textquoteleft",
        "textquoteright",
        "textasciitilde",
        "textasciicircum",
        "textbackslash",
        "textbraceleft",
        "textbraceright",
        "ss",
        "ae",
        "AE",
        "oe",
        "OE",
        "aa",
        "AA",
        "o",
        "O",
        "l",
        "L",
        "i",
        "j",
        "and",
        "relax",
    ]
)


def inert_commands(text: str) -> bool:
    """Every letter command in ``text`` is a math or text command that cannot read, write or define anything."""
    return all(name in MATH_COMMANDS or name in _TEXT_COMMANDS for name in _MATH_CMD.findall(text))


def _split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, piece) pieces of ``text``; math pieces include their dollars, have balanced braces and
    use only math commands (:data:`MATH_COMMANDS`)."""
    if "$" not in text:  # no math possible: one plain piece (the common case)
        return [(False, text)] if text else []
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in MATH.finditer(text):
        body = m["body"]
        if not _safe_math(body):
            continue
        if m.start() > pos:
            out.append((False, text[pos : m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def brace_depths(s: str) -> Iterator[tuple[int, int]]:
    """(index, brace depth just after it) of each character of ``s`` but escaped ones: a backslash and the
    character after it are passed over, so ``\\{`` opens no group."""
    depth = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        yield i, depth
        i += 1


def _balanced(s: str) -> bool:
    if "{" not in s and "}" not in s:  # no brace at all (a backslash only skips the character after it)
        return True
    depth = 0
    for _, depth in brace_depths(s):
        if depth < 0:
            return False
    return depth == 0


def _ascii_char(c: str) -> str | None:
    """The ASCII LaTeX form of one non-ASCII character, or None when there is none."""
    if c in _LETTERS:
        return _LETTERS[c]
    if c in _PUNCT:
        return _PUNCT[c]
    decomposed = unicodedata.normalize("NFD", c)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or (not base.isascii() and base not in ("ı",)):
        return None
    out = r"\i" if base == "i" and marks[0] in ("\u0300", "\u0301", "\u0302", "\u0308") else base
    for mark in marks:
        cmd = _ACCENTS.get(mark)
        if cmd is None:
            return None
        out = f"\\{cmd}{out}" if not cmd.isalpha() else f"\\{cmd}{{{out}}}"
    return "{" + out + "}"


def _special(m: re.Match[str]) -> str:
    return _SPECIALS[m.group()]


def _escape_plain(text: str, ascii: bool, lost: list[str] | None) -> str:
    """Character by character (so the escape of a concatenation is the concatenation of the escapes)."""
    if _SPECIAL_RE.search(text) is not None:
        text = _SPECIAL_RE.sub(_special, text)
    if not ascii or text.isascii():
        return text
    out: list[str] = []
    for c in text:
        if c.isascii():
            out.append(c)
            continue
        rep = _ascii_char(c)
        if rep is None:
            if lost is not None:
                lost.append(c)
            rep = "?"
        out.append(rep)
    return "".join(out)


# Control characters (NUL, ESC, ...) have no place in a .bib: dropped. Tab and newline are white space.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def title_of(title: str, fallback: str) -> str:
    """A title as exports show it: without control characters, or ``fallback`` (the entry's id) if none is left."""
    return " ".join(CONTROL.sub("", title).split()) or fallback


def escape(text: str, *, ascii: bool = False, lost: list[str] | None = None) -> str:
    """Plain text as LaTeX: specials escaped, ``$math$`` kept; with ``ascii``, accents as LaTeX commands."""
    text = CONTROL.sub("", text)
    if "$" not in text:  # no math: one plain piece
        return _escape_plain(text, ascii, lost)
    return "".join(piece if is_math else _escape_plain(piece, ascii, lost) for is_math, piece in _split_math(text))


_WORD = re.compile(r"\S+")
_ASCII_CANDIDATE = re.compile(r"(?<!\S)\S[^\sA-Z]*[A-Z]\S*")  # an ASCII word that _needs_protection
_CORE = re.compile(r"^(?P<pre>[^\w]*)(?P<core>.*?\w)(?P<post>[^\w]*)$", re.DOTALL)


def _needs_protection(word: str) -> bool:
    """Capitals after the first character: acronyms (LLM), CamelCase (LongRoPE), GPT-4, 2D, Multi-Agent."""
    rest = word[1:]
    if rest.isascii():  # in ASCII the capitals are A-Z, exactly what lower() changes
        return rest != rest.lower()
    return any(c.isupper() for c in rest)


def _protect_plain(piece: str, ascii: bool, lost: list[str] | None) -> str:
    """A piece of a title without math: escaped, with the core of each word that needs it in braces.

    :func:`_escape_plain` works character by character, so the piece is escaped in runs between the braces
    rather than word by word (same text, same ``lost`` characters in the same order).
    """
    out: list[str] = []
    pos = 0
    if piece.isascii():  # the words with a capital after their first character, found by the regex engine
        words: Iterable[re.Match[str]] = _ASCII_CANDIDATE.finditer(piece)
    else:
        words = (m for m in _WORD.finditer(piece) if _needs_protection(m.group()))
    for m in words:  # (the core's capitals are among the word's: a word without any needs no braces)
        word = m.group()
        cm = _CORE.match(word)
        if cm and _needs_protection(cm["core"]):
            start = m.start() + cm.start("core")
            end = m.start() + cm.end("core")
            out.append(_escape_plain(piece[pos:start], ascii, lost))
            out.append("{" + _escape_plain(piece[start:end], ascii, lost) + "}")
            pos = end
    if not out:
        return _escape_plain(piece, ascii, lost)
    out.append(_escape_plain(piece[pos:], ascii, lost))
    return "".join(out)


def protect_title(text: str, *, ascii: bool = False, lost: list[str] | None = None) -> str:
    """A title as LaTeX with acronyms and CamelCase words braced: ``{LongRoPE}: Extending {LLM} ...``."""
    text = CONTROL.sub("", text)
    return "".join(piece if is_math else _protect_plain(piece, ascii, lost) for is_math, piece in _split_math(text))


# --------------------------------------------------------------------------------------------- reading

_TEXT_CMDS = {
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "ldots": "\u2026",
    "dots": "\u2026",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "S": "\u00a7",
    "P": "\u00b6",
    "copyright": "\u00a9",
    "pounds": "\u00a3",
    "i": "ı",
    "j": "ȷ",
    "l": "ł",
    "L": "Ł",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "ss": "ß",
    "aa": "å",
    "AA": "Å",
}
_BRACE_CMDS = {"textbraceleft": "{", "textbraceright": "}"}
_STYLE_CMDS = ("emph", "textit", "textbf", "texttt", "textsc", "textrm", "textsf", "mbox", "url", "href")
# \'e  \'{e}  {\'e}  \'\i  \v{s}  \c c
_ACCENT_RE = re.compile(
    r"\\(?P<cmd>[`'^~=.\"]|[uvHcdkbr](?![A-Za-z]))\s*(?:\{(?P<arg>\\?[A-Za-z]?)\}|(?P<bare>\\[ij](?![A-Za-z])|[A-Za-z]))"
)
_CMD_RE = re.compile(r"\\(?P<name>[A-Za-z]+)(?:\{\}|\s*(?=[^A-Za-z{])|(?=\{)|$)")


def _accent(m: re.Match[str]) -> str:
    base = m["arg"] if m["arg"] is not None else m["bare"]
    base = {"\\i": "i", "\\j": "j"}.get(base or "", base or "")
    mark = _ACCENT_CMD.get(m["cmd"], "")
    return unicodedata.normalize("NFC", base + mark) if base else mark


def unescape(text: str) -> str:
    """LaTeX from a .bib field as plain text: escapes and accents undone, protective braces removed,
    ``$math$`` kept as written. Unknown commands are kept."""
    pieces: list[str] = []
    for is_math, piece in _split_math(text):
        if is_math:
            pieces.append(piece)
            continue
        s = piece
        for c in "&%$#_{}":
            s = s.replace("\\" + c, f"\x00{ord(c)}\x01")
        s = _ACCENT_RE.sub(_accent, s)
        for name in _STYLE_CMDS:
            s = re.sub(r"\\" + name + r"\s*(?=\{)", "", s)

        def cmd(m: re.Match[str]) -> str:
            name = m["name"]
            if name in _BRACE_CMDS:  # a literal brace: kept through the brace removal below
                return f"\x00{ord(_BRACE_CMDS[name])}\x01"
            return _TEXT_CMDS.get(name, m.group())

        s = re.sub(r"(?<!\\)~", " ", s)  # a tie is a (non-breaking) space
        s = s.replace("\\ ", " ")
        s = _CMD_RE.sub(cmd, s)
        s = s.replace("{", "").replace("}", "")
        s = re.sub(r"\x00(\d+)\x01", lambda m: chr(int(m.group(1))), s)
        pieces.append(s)
    return "".join(pieces)
