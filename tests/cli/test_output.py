"""cli/output.py: the plain-text table of ``lcllm list`` on a terminal (widths, truncation, wide characters,
NO_COLOR, piped versus terminal), and the layout helpers under it."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcllm_cli import store
from lcllm_cli.cli.output import Column, cell_width, labelled, styled, table_lines, terminal_width, truncate, wrap
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library
from tests.terminal import run_on_terminal

LCLLM = str(Path(sys.executable).with_name("lcllm"))

# --------------------------------------------------------------------------------------------- cell widths


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("LongRoPE", 8),
        ("Zoë", 3),  # precomposed
        ("Zoe\u0308", 3),  # e + combining diaeresis
        ("量子位", 6),
        ("ｱｲｳ", 3),  # half-width katakana
        ("ＡＢ", 4),  # full-width Latin
        ("😀 ok", 5),
        ("a\u200db", 2),  # zero-width joiner
        ("soft\xadhyphen", 11),
    ],
)
def test_cell_width(text: str, width: int) -> None:
    assert cell_width(text) == width


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Yiran Ding", 24, "Yiran Ding"),
        ("Yiran Ding", 10, "Yiran Ding"),
        ("Yiran Ding", 9, "Yiran Di…"),
        ("Yiran Ding", 6, "Yiran…"),  # no space before the ellipsis
        ("Yiran Ding", 1, "…"),
        ("Yiran Ding", 0, ""),
        ("量子位量子位", 5, "量子…"),
        ("量子位量子位", 4, "量…"),  # a wide character never sticks out of the column
        ("量子位", 2, "…"),
    ],
)
def test_truncate(text: str, width: int, expected: str) -> None:
    assert truncate(text, width) == expected
    assert cell_width(truncate(text, width)) <= width


def test_truncate_with_an_ascii_ellipsis() -> None:
    assert truncate("Amirhossein Kazemnejad", 10, "...") == "Amirhos..."


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Transformers are Multi-State RNNs", 40, ["Transformers are Multi-State RNNs"]),
        ("Transformers are Multi-State RNNs", 16, ["Transformers are", "Multi-State RNNs"]),
        ("Transformers are Multi-State RNNs", 12, ["Transformers", "are", "Multi-State", "RNNs"]),
        ("Extrapolation", 5, ["Extra", "polat", "ion"]),  # a word longer than the line is cut
        ("一句话解锁100k+上下文 | 量子位", 10, ["一句话解锁", "100k+上下", "文 |", "量子位"]),
    ],
)
def test_wrap(text: str, width: int, expected: list[str]) -> None:
    assert wrap(text, width) == expected


@given(
    st.text(alphabet=st.sampled_from("ab cdé量子😀\u0301 "), max_size=60),
    st.integers(min_value=2, max_value=30),
)
def test_wrap_keeps_every_character_in_lines_that_fit(text: str, width: int) -> None:
    lines = wrap(text, width)
    if cell_width(text) > width:
        assert all(cell_width(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


# --------------------------------------------------------------------------------------------- tables

COLUMNS = (
    Column("id", overflow="none"),
    Column("title", overflow="wrap"),
    Column("first author", max_width=12),
    Column("year", overflow="none", right=True),
)
ROWS = [
    ["2402.13753", "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens", "Yiran Ding", "2024"],
    ["link", "一句话解锁100k+上下文大模型真实力 | 量子位", "", ""],
    ["2305.19466", "Positional Encoding", "Amirhossein Kazemnejad", "2023"],
]


def test_table_at_full_width_keeps_natural_widths() -> None:
    assert list(table_lines(COLUMNS, ROWS, 200)) == [
        "id          title                                                           first author  year",
        "2402.13753  LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens  Yiran Ding    2024",
        "link        一句话解锁100k+上下文大模型真实力 | 量子位",
        "2305.19466  Positional Encoding                                             Amirhossein…  2023",
    ]


def test_a_narrow_table_wraps_titles_and_keeps_columns_aligned() -> None:
    lines = list(table_lines(COLUMNS, ROWS, 60))  # title: 60 - 10 - 12 - 4 - 3 gaps of 2 = 28 columns
    assert lines == [
        "id          title                         first author  year",
        "2402.13753  LongRoPE: Extending LLM       Yiran Ding    2024",
        "            Context Window Beyond 2",
        "            Million Tokens",
        "link        一句话解锁100k+上下文大模型",
        "            真实力 | 量子位",
        "2305.19466  Positional Encoding           Amirhossein…  2023",
    ]
    assert all(cell_width(line) <= 60 for line in lines)


def test_a_very_narrow_table_cuts_names_further_and_never_ends_lines_in_spaces() -> None:
    lines = list(table_lines(COLUMNS, ROWS, 40))  # title down to 10 columns, then first author to 10
    assert lines[0] == "id          title       first aut…  year"
    assert lines[1] == "2402.13753  LongRoPE:   Yiran Ding  2024"
    assert lines[-2:] == ["2305.19466  Positional  Amirhosse…  2023", "            Encoding"]
    assert all(cell_width(line) <= 40 and line == line.rstrip() for line in lines)


def test_cells_are_kept_on_their_line_and_the_header_is_bold_only_when_styled() -> None:
    rows = [["1", "a\ttitle\nwith breaks", "x", "2020"]]
    plain = list(table_lines(COLUMNS, rows, 80))
    assert plain == ["id  title                first author  year", "1   a title with breaks  x             2020"]
    styled_lines = list(table_lines(COLUMNS, rows, 80, style=True))
    assert styled_lines[0] == f"\x1b[1m{plain[0]}\x1b[0m"
    assert styled_lines[1:] == plain[1:]


def test_an_empty_table_is_its_header() -> None:
    assert list(table_lines(COLUMNS, [], 80)) == ["id  title  first author  year"]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: set to a non-empty string
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_styled(monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert styled(_Stream(tty)) is expected


def test_terminal_width_reads_columns_then_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "93")
    assert terminal_width() == 93

    def no_terminal(fd: int) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    monkeypatch.setenv("COLUMNS", "wide")
    assert terminal_width(default=71) == 71
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((132, 40)))
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() == 132


# --------------------------------------------------------------------------------------------- lcllm list


def on_a_terminal(args: list[str], *, columns: int = 120, env: dict[str, str] | None = None) -> str:
    """What ``lcllm ARGS`` shows on a pseudo-terminal of ``columns`` columns (COLUMNS unset)."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_") and k not in ("COLUMNS", "NO_COLOR")}
    child_env["TERM"] = "xterm-256color"
    child_env.update(env or {})
    shown, _ = run_on_terminal([LCLLM, *args], child_env, columns=columns)
    return shown.decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def listfile(tmp_path: Path, seed_path: Path) -> Path:
    lib = parse(seed_path.read_text(encoding="utf-8")).library
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    return path


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_list_on_a_terminal_fits_its_width_with_a_bold_header(listfile: Path) -> None:
    entries = len(store.load(listfile).entries)
    for columns in (120, 80):
        out = on_a_terminal(["--file", str(listfile), "list"], columns=columns)
        lines = out.splitlines()
        assert lines[0].startswith("\x1b[1mid ") and lines[0].endswith("section\x1b[0m")
        assert lines[-1] == f"\x1b[2m{entries} of {entries} entries\x1b[0m"
        assert all(cell_width(line) <= columns for line in lines[1:-1])
        assert "\t" not in out
    # every row's year starts in the same terminal column as the header's "year", wide characters or not
    out = on_a_terminal(["--file", str(listfile), "list"], columns=120, env={"NO_COLOR": "1"})
    lines = out.splitlines()
    year_column = lines[0].index("year")
    starts = [
        cell_width(line[: m.start(1)]) for line in lines[1:-1] for m in list(re.finditer(r"  (\d{4})  ", line))[-1:]
    ]
    assert len(starts) > 40
    assert set(starts) == {year_column}


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_list_on_a_terminal_with_no_color_has_no_escape_codes(listfile: Path) -> None:
    out = on_a_terminal(["--file", str(listfile), "list", "--search", "LongRoPE"], env={"NO_COLOR": "1"})
    assert out.splitlines()[0].startswith("id ") and "\x1b" not in out
    assert out.splitlines()[1].split() == [
        "2402.13753",
        "LongRoPE:",
        "Extending",
        "LLM",
        "Context",
        "Window",
        "Beyond",
        "2",
        "Million",
        "Tokens",
        "Yiran",
        "Ding",
        "2024",
        "Papers",
    ]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_list_on_a_terminal_shows_control_characters_and_wide_titles_safely(tmp_path: Path) -> None:
    lib = Library()
    lib.entries = [
        Entry(kind="link", title="\x1b]0;pwned\x07 evil", url="https://a.example", section="S"),
        Entry(kind="paper", title="量子位 " * 12, arxiv="2402.13753", authors=["王小明"], year=2024, section="S"),
    ]
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    out = on_a_terminal(["--file", str(path), "list"], columns=60, env={"NO_COLOR": "1"})
    assert "\x1b" not in out and "\x07" not in out
    assert "link        \\x1b]0;pwned\\x07 " in out  # the title, its controls shown as escapes (then wrapped)
    lines = out.splitlines()
    assert all(cell_width(line) <= 60 for line in lines)
    paper = next(line for line in lines if line.startswith("2402.13753"))
    assert "王小明" in paper and paper.rstrip().endswith("2024  S")


def test_list_piped_is_not_the_table(listfile: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    proc = subprocess.run([LCLLM, "--file", str(listfile), "list"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0
    assert "\x1b" not in proc.stdout and "first author" not in proc.stdout
    assert all(line.count("\t") == 4 for line in proc.stdout.splitlines())


# --------------------------------------------------------------------------------------------- show's fields


def test_labelled_wraps_under_the_first_line_only_on_a_terminal() -> None:
    value = "Yiran Ding, Li Lyna Zhang, Chengruidong Zhang, Yuanyuan Xu"
    assert labelled("   authors", value) == f"   authors  {value}\n"  # piped: one line, whatever its length
    assert labelled("   authors", value, 40) == (
        "   authors  Yiran Ding, Li Lyna Zhang,\n            Chengruidong Zhang, Yuanyuan\n            Xu\n"
    )
    assert labelled("   links", "code: https://a.example\nblog: https://b.example") == (
        "   links  code: https://a.example\n          blog: https://b.example\n"
    )
    assert labelled("k", "", 80, style=True) == "\x1b[1mk\x1b[0m\n"  # no trailing spaces
    assert labelled("title", "量子位 量子位 量子位 量子位", 27) == "title  量子位 量子位 量子位\n       量子位\n"


def test_show_and_remove_print_no_terminal_controls(listfile: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    proc = subprocess.run(
        [LCLLM, "--file", str(listfile), "remove", "2402.13753", "x\x1b[2Jy"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("removed 2402.13753: LongRoPE")
    assert proc.stderr == "not in the list: x\\x1b[2Jy\n"


def test_the_escape_pattern_finds_exactly_the_characters_shown_escaped() -> None:
    from lcllm_cli.cli.output import _NEEDS_ESCAPE, _UNSHOWABLE, shown

    assert {c for c in range(0x110000) if _NEEDS_ESCAPE.match(chr(c))} == set(_UNSHOWABLE)
    assert shown("a\x1b[31mb\u202ec\td\ne") == "a\\x1b[31mb\\u202ec\td\ne"


# --------------------------------------------------------------------------------------------- a silent service


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_is_told_which_service_is_silent_and_the_budget_ends_the_wait(tmp_path: Path) -> None:
    from tests.stubserver import Reply, StubServer

    def silent(req: object) -> Reply:
        time.sleep(8)
        return Reply(404)

    path = tmp_path / "entries.toml"
    with StubServer(silent) as srv:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
        env.update(LCLLM_GITHUB_API_URL=srv.url, LCLLM_NETWORK_BUDGET="5", XDG_CACHE_HOME=str(tmp_path), TERM="xterm")
        shown, _ = run_on_terminal([LCLLM, "--file", str(path), "add", "https://github.com/o/r"], env, exit_code=1)
        out = shown.decode("utf-8")
        assert len(srv.requests) == 1  # asked once: the budget ended the wait, no retry was started
    assert "waiting for GitHub: no answer for 3 s" in out  # shown while waiting
    assert "GitHub did not answer within this run's network budget of 5 s" in out  # and the one line at the end
    assert "Traceback" not in out and not path.exists()  # nothing was written
