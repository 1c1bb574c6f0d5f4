"""entries.toml: round trip, determinism, minimal diffs, refusal of broken files, atomic writes, locking."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.errors import LockTimeout, StoreError
from lcllm_cli.model import Citations, Entry, Library, Link, Publication, Section


def sample_library() -> Library:
    lib = Library(title="Awesome test list", intro="An intro.\nTwo lines.")
    lib.sections = [Section("Papers"), Section("Sub", 3), Section("Projects")]
    lib.entries = [
        Entry(
            kind="paper",
            title='A "quoted" title with \\ backslash',
            section="Papers",
            arxiv="2402.13753",
            version=2,
            authors=["Yiran Ding", "Li Lyna Zhang"],
            authors_elided=True,
            venue="arXiv",
            citations=Citations(3, "Google Scholar", "https://scholar.google.com/x?a=1&b=2"),
            links=[Link("code", "https://github.com/microsoft/LongRoPE")],
            highlight=True,
            key="ding2024longrope",
            fields={"publisher": "ACM", "weird key": "x"},
        ),
        Entry(
            kind="project",
            title="LLMLingua",
            section="Projects",
            url="https://github.com/microsoft/LLMLingua",
            owner="microsoft",
            description="Compress prompts.",
            stars=100,
            archived=True,
        ),
        Entry(kind="link", title="A blog post", section="Sub", url="https://example.org/post"),
    ]
    return lib


def test_round_trip_gives_equal_library() -> None:
    lib = sample_library()
    assert store.loads(store.dumps(lib)) == lib


def test_writing_is_deterministic() -> None:
    assert store.dumps(sample_library()) == store.dumps(sample_library())
    text = store.dumps(sample_library())
    assert store.dumps(store.loads(text)) == text


def test_layout_is_reviewable() -> None:
    text = store.dumps(sample_library())
    assert "[[entry]]" in text
    assert 'links = [\n    { label = "code", url = "https://github.com/microsoft/LongRoPE" },\n]' in text
    assert "level = 3" in text
    assert '"weird key" = "x"' in text
    # defaults are not written
    assert "archived = false" not in text and "highlight = false" not in text


def test_adding_one_entry_changes_only_that_entrys_lines() -> None:
    lib = sample_library()
    before = store.dumps(lib).splitlines()
    lib.add_entry(Entry(kind="paper", title="New paper", section="Papers", arxiv="2401.00001", version=1))
    after = store.dumps(lib).splitlines()
    diff = [ln for ln in difflib.unified_diff(before, after, lineterm="", n=0) if ln[:1] in "+-"]
    diff = [ln for ln in diff if not ln.startswith(("+++", "---"))]
    assert all(ln.startswith("+") for ln in diff), diff
    added = "\n".join(ln[1:] for ln in diff)
    assert 'title = "New paper"' in added and added.count("[[entry]]") == 1
    # inserted after the last Papers entry, before the project
    text = "\n".join(after)
    assert text.index("New paper") < text.index("LLMLingua")


def test_add_entries_keeps_existing_order_and_places_new_sections() -> None:
    lib = sample_library()
    lib.add_entries(
        [
            Entry(kind="link", title="p2", section="Projects", url="https://a.example"),
            Entry(kind="link", title="n1", section="New", url="https://b.example"),
            Entry(kind="link", title="p1", section="Papers", url="https://c.example"),
        ]
    )
    assert [e.title[:2] for e in lib.entries] == ["A ", "p1", "LL", "p2", "A ", "n1"]
    assert lib.section_names()[-1] == "New"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[list\ntitle = 1", "not valid TOML"),
        ('[[entry]]\nkind = "paper"\ntitle = 3\n', "field 'title' must be a string"),
        ('[[entry]]\nkind = "book"\ntitle = "x"\n', "unknown kind 'book'"),
        ('[[entry]]\nkind = "paper"\n', "no title"),
        ('[[entry]]\nkind = "link"\ntitle = "x"\n', "a link needs a url"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\ntitel = "y"\n', "unknown field 'titel'"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nauthors = "A, B"\n', "must be a list of strings"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nversion = 2\n', "version given without an arxiv id"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\ncitations = { count = "3", source = "x" }\n', "citations"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = "a" }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ url = "https://a.example" }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = 1, url = "https://a.example" }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = "a", url = "u", size = 1 }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = "a", url = "u", stars = true }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = "a", url = "u", stars = "9" }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = [{ label = "a", url = "u", no_badge = 1 }]\n', "links"),
        ('[[entry]]\nkind = "paper"\ntitle = "x"\nlinks = ["https://a.example"]\n', "links"),
        ("stuff = 1\n", "unknown top-level key"),
    ],
)
def test_broken_files_are_refused_with_what_is_wrong(text: str, needle: str) -> None:
    with pytest.raises(StoreError) as info:
        store.loads(text, "entries.toml")
    assert needle in info.value.message
    assert info.value.exit_code == 2


def test_errors_name_the_entry_and_its_line() -> None:
    text = store.dumps(sample_library())
    lines = text.splitlines()
    third = [i for i, ln in enumerate(lines) if ln == "[[entry]]"][2]
    lines.insert(third + 1, "stars = -1.5")
    with pytest.raises(StoreError) as info:
        store.loads("\n".join(lines), "entries.toml")
    assert f"entry #3 (line {third + 1})" in info.value.message


def test_broken_file_is_never_rewritten_by_a_command(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    broken = '[[entry]]\nkind = "paper"\ntitle = 3\n'
    path.write_text(broken)
    result = CliRunner().invoke(app, ["--file", str(path), "remove", "2402.13753"])
    assert result.exit_code == 2
    assert "field 'title' must be a string" in result.output
    assert "Traceback" not in result.output
    assert path.read_text() == broken


def test_file_is_found_by_option_env_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert store.find_file() == tmp_path / "entries.toml"
    monkeypatch.setenv("LCLLM_FILE", "/x/other.toml")
    assert store.find_file() == Path("/x/other.toml")
    assert store.find_file("given.toml") == Path("given.toml")


def test_missing_file_says_how_to_start(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--file", str(tmp_path / "none.toml"), "list"])
    assert result.exit_code == 2
    assert "no list at" in result.output and "lcllm import" in result.output


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "entries.toml"
    store.save(sample_library(), path)
    before = path.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    lib = sample_library()
    lib.entries.pop()
    with pytest.raises(StoreError) as info:
        store.save(lib, path)
    assert "No space left on device" in info.value.message
    assert info.value.hint and "disk space" in info.value.hint
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.toml"]


def test_edit_writes_nothing_when_the_block_fails(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(sample_library(), path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError), store.edit(path) as lib:
        lib.entries.clear()
        raise RuntimeError("halfway")
    assert path.read_bytes() == before


def test_edit_does_not_touch_an_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(sample_library(), path)
    os.utime(path, (1, 1))
    with store.edit(path):
        pass
    assert path.stat().st_mtime == 1


def test_lock_makes_a_second_writer_wait_then_time_out(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(sample_library(), path)
    messages: list[str] = []
    released = threading.Event()

    def hold() -> None:
        with store.locked(path):
            released.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.2)
    try:
        with pytest.raises(LockTimeout) as info, store.locked(path, timeout=0.3, notify=messages.append):
            pass
        assert "another lcllm process" in info.value.message
        assert messages and "waiting" in messages[0]
    finally:
        released.set()
        t.join()
    with store.locked(path, timeout=1):  # free again
        pass


def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(Library(title="t"), path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lcllm_cli import store\n"
        "from lcllm_cli.model import Entry\n"
        "p = Path(sys.argv[1])\n"
        "for i in range(15):\n"
        "    with store.edit(p) as lib:\n"
        "        lib.add_entry(Entry(kind='link', title=f'{sys.argv[2]}-{i}', url=f'https://e.org/{sys.argv[2]}/{i}'))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), name]) for name in ("a", "b")]
    assert [p.wait(60) for p in procs] == [0, 0]
    titles = {e.title for e in store.load(path).entries}
    assert titles == {f"{n}-{i}" for n in "ab" for i in range(15)}


text_st = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
url_st = st.builds(lambda s: "https://example.org/" + s, text_st)
entry_st = st.builds(
    Entry,
    kind=st.sampled_from(["paper", "project", "link"]),
    title=text_st.filter(lambda s: s.strip() != ""),
    section=st.sampled_from(["Papers", "Other"]),
    key=st.none() | text_st,
    highlight=st.booleans(),
    url=url_st,
    authors=st.lists(text_st, max_size=12),
    authors_elided=st.booleans(),
    year=st.none() | st.integers(1900, 2100),
    citations=st.none() | st.builds(Citations, st.integers(0, 10**6), text_st, st.none() | url_st),
    links=st.lists(st.builds(Link, text_st, url_st), max_size=3),
    notes=st.none() | text_st,
    fields=st.dictionaries(text_st, text_st, max_size=3),
    stars=st.none() | st.integers(0, 10**6),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(entry_st, max_size=6), text_st.filter(lambda s: s.strip() != ""))
def test_property_any_entries_write_and_read_back_equal(entries: list[Entry], title: str) -> None:
    lib = Library(title=title, sections=[Section("Papers"), Section("Other")], entries=entries)
    text = store.dumps(lib)
    assert store.loads(text) == lib
    assert store.dumps(store.loads(text)) == text


def _big_library(n: int) -> Library:
    lib = sample_library()
    lib.entries = [
        Entry(kind="paper", title=f"Paper {i}", arxiv=f"2401.{i:05d}", version=1, authors=["A B"] * 8) for i in range(n)
    ]
    return lib


def _quirky_big_text(n: int = 800) -> str:
    """A hand-written-looking list: empty intro, an undeclared section, extra fields, comments, literal strings."""
    parts = ['[list]\ntitle = "Quirky"\nintro = ""\n\n[[section]]\nname = "Papers"\nlevel = 3\n']
    for i in range(n):
        parts.append(
            f"""
[[entry]]  # a comment
kind = 'paper'
title = "Paper {i} \\u00e9t\\u00e9 \\"quoted\\""
section = "{"Papers" if i % 3 else "Elsewhere"}"
arxiv = "2401.{i:05d}"
authors = [
  "A B", 'C D',  # trailing comma and comment
]
links = [{{ label = "code", url = "https://github.com/o/r{i}", stars = {i} }}]
citations = {{ count = {i}, source = "Semantic Scholar" }}
[entry.fields]
"odd key" = "v{i}"
"""
        )
    return "".join(parts)


def test_big_texts_are_parsed_by_toml_rs_with_the_same_result_as_tomli(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("toml_rs")
    text = _quirky_big_text()
    assert len(text) >= store.FAST_PARSE_MIN_CHARS
    fast = store.loads(text)
    calls: list[int] = []
    real = store._fast_loads()
    assert real is not None
    monkeypatch.setattr(store, "_fast_loads", lambda: lambda t: calls.append(1) or real(t))
    assert store.loads(text) == fast and len(calls) == 800 // store.FAST_PARSE_PIECE_ENTRIES  # toml-rs, piece by piece
    monkeypatch.setattr(store, "_fast_loads", lambda: None)  # no toml-rs on this platform: tomli does it
    slow = store.loads(text)
    assert slow == fast
    assert slow.intro is None and [(s.name, s.level) for s in slow.sections] == [("Papers", 3), ("Elsewhere", 2)]
    assert slow.entries[1].fields == {"odd key": "v1"} and slow.entries[1].links[0].stars == 1


def test_a_big_list_is_built_piece_by_piece_never_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("toml_rs")
    text = _quirky_big_text()
    expected = store._library_from_data(store._parse_toml(text, "x"), "x", text)

    def whole(text: str, source: str) -> dict[str, object]:
        raise AssertionError("the whole parse was built")

    monkeypatch.setattr(store, "_parse_toml", whole)
    assert store.loads(text) == expected


def test_a_byte_order_mark_is_refused_in_a_big_list_as_in_a_small_one() -> None:
    for text in ('[list]\ntitle = "Small"\n', _quirky_big_text()):
        with pytest.raises(StoreError, match="not valid TOML"):
            store.loads("\ufeff" + text)


def test_a_big_list_with_a_bad_entry_names_it_and_its_line() -> None:
    lines = _quirky_big_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line == 'arxiv = "2401.00500"')
    lines[at] = 'arxiv = "not an id"'
    with pytest.raises(StoreError, match=r"entry #501 \(line \d+\): arxiv 'not an id' is not an arXiv id"):
        store.loads("\n".join(lines))


def test_a_big_list_reports_its_errors_in_the_order_a_small_one_does() -> None:
    """An unknown table at the end is named before a bad entry earlier in the file, as when the list is parsed whole."""
    text = _quirky_big_text().replace('arxiv = "2401.00005"', 'arxiv = "bad"') + "\n[extra]\nx = 1\n"
    with pytest.raises(StoreError, match="unknown top-level key"):
        store.loads(text)


def test_big_invalid_texts_get_tomlis_message_with_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _quirky_big_text()
    lines = text.split("\n")
    lines[1000] = "title = unquoted words"
    with pytest.raises(StoreError, match=r"not valid TOML: .*line 1001"):
        store.loads("\n".join(lines))


def test_a_text_toml_rs_refuses_but_tomli_accepts_still_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(text: str) -> None:
        raise ValueError("toml-rs says no")

    monkeypatch.setattr(store, "_fast_loads", lambda: refuses)
    lib = store.loads(_quirky_big_text())
    assert len(lib.entries) == 800


def test_a_piece_with_more_brackets_than_toml_rs_may_see_is_parsed_by_tomli(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("toml_rs")
    text = _quirky_big_text()
    expected = store.loads(text)
    real = store._fast_loads()
    assert real is not None
    seen: list[str] = []
    monkeypatch.setattr(store, "_fast_loads", lambda: lambda t: seen.append(t) or real(t))
    monkeypatch.setattr(store, "FAST_PARSE_MAX_OPENERS", 0)  # every piece has a bracket: none goes to toml-rs
    assert store.loads(text) == expected and seen == []
    monkeypatch.setattr(store, "FAST_PARSE_MAX_OPENERS", 120)
    assert store.loads(text) == expected
    assert seen and all(t.count("[") + t.count("{") <= 120 for t in seen)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text('\x00\x1f\x7f\t\n"\\ab'))
def test_property_toml_str_is_the_escape_every_parser_reads_back(value: str) -> None:
    import tomllib

    written = store.toml_str(value)
    assert written == '"' + store._NEEDS_ESCAPE.sub(store._esc, value) + '"'  # the C path and the regex path agree
    assert tomllib.loads(f"v = {written}") == {"v": value}
    assert "\n" not in written and "\x7f" not in written


def _count_dumps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = store.dumps

    def counting(lib: Library) -> str:
        calls.append(1)
        return real(lib)

    monkeypatch.setattr(store, "dumps", counting)
    return calls


def test_an_edit_that_changes_nothing_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    with store.edit(path, create=True) as lib:
        lib.entries.extend(_big_library(300).entries)
    written = path.stat()
    with store.edit(path):
        pass
    assert path.stat().st_ino == written.st_ino and path.stat().st_mtime_ns == written.st_mtime_ns  # not replaced
    with store.edit(path) as lib:
        lib.entries[0].title = "Changed once"
    assert path.stat().st_ino != written.st_ino
    assert store.loads(path.read_text()).entries[0].title == "Changed once"


def test_a_hand_written_big_list_is_rendered_to_compare_and_never_reformatted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(_quirky_big_text(2500), encoding="utf-8")
    before = path.read_bytes()
    calls = _count_dumps(monkeypatch)
    for _ in range(2):  # the file is not lcllm's layout: "before" is rendered to compare with "after"
        with store.edit(path):
            pass
    assert calls == [1, 1, 1, 1]
    assert path.read_bytes() == before  # nothing changed: not rewritten in lcllm's layout
    with store.edit(path) as lib:
        lib.entries[1].title = "Changed"
    assert path.read_bytes() != before and store.load(path).entries[1].title == "Changed"


@pytest.mark.parametrize("piece", [1, 7, 2000])
def test_toml_rs_in_pieces_gives_what_tomli_gives_for_the_whole(monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    import tomli

    pytest.importorskip("toml_rs")
    monkeypatch.setattr(store, "FAST_PARSE_PIECE_ENTRIES", piece)
    texts = [
        _quirky_big_text(),
        _quirky_big_text().replace("\n", "\r\n"),  # CRLF: header lines still found
        # a table after the entries, not cut off
        _quirky_big_text().replace('[list]\ntitle = "Quirky"\nintro = ""\n', "", 1) + '\n[list]\ntitle = "After"\n',
        # a header line inside a multi-line string: not cut there
        '[list]\nintro = """\n[[entry]]\n"""\n'
        + _quirky_big_text().replace('[list]\ntitle = "Quirky"\nintro = ""\n', "", 1),
    ]
    for text in texts:
        fast = store._fast_loads()
        assert fast is not None
        assert store._parse_in_pieces(text, fast) == tomli.loads(text)
        assert store.loads(text) == store._library_from_data(tomli.loads(text), "x", text)


@pytest.mark.parametrize(
    ("tail", "needle"),
    [
        ('\n[list]\ntitle = "twice"\n', "not valid TOML"),  # [list] in the first piece and again in the last
        ("\n[entry]\nkind = 'paper'\n", "not valid TOML"),  # entry redefined as a table
        ('\n[[entry]]\nkind = "paper"\nauthors = [\n  "unclosed",\n', "not valid TOML"),
    ],
)
def test_a_list_invalid_across_pieces_is_refused_with_tomlis_message(
    monkeypatch: pytest.MonkeyPatch, tail: str, needle: str
) -> None:
    monkeypatch.setattr(store, "FAST_PARSE_PIECE_ENTRIES", 5)
    with pytest.raises(StoreError, match=needle):
        store.loads(_quirky_big_text() + tail)


# dumps before its entry writer was generated from ENTRY_FIELDS (a loop over the fields): the reference layout.
_OLD_FIELD_ITEMS = tuple((name, kind, f"{name} = ") for name, kind in store.ENTRY_FIELDS.items())


def _old_entry_lines_out(entry: Entry) -> list[str]:
    out = ["[[entry]]"]
    tail: list[str] = []
    for name, kind, prefix in _OLD_FIELD_ITEMS:
        value = getattr(entry, name)
        if not value and (value is None or value is False or value == [] or value == {}):
            if name in ("kind", "title"):
                out.append(prefix + store.toml_str(value or ""))
            continue
        if kind in ("str", "int", "bool"):
            out.append(prefix + store._scalar(value))
        elif kind == "strlist":
            out.extend(store._array(name, [store.toml_str(v) for v in value]))
        elif kind == "links":
            items = [
                "{ "
                + ", ".join(
                    f"{k} = {store._scalar(v)}"
                    for k, v in (("label", x.label), ("url", x.url), ("stars", x.stars))
                    if v is not None
                )
                + " }"
                for x in value
            ]
            out.extend(store._array(name, items, always_multiline=True))
        elif kind == "cit":
            pairs = (("count", value.count), ("source", value.source), ("url", value.url), ("date", value.date))
            out.append(prefix + "{ " + ", ".join(f"{k} = {store._scalar(v)}" for k, v in pairs if v is not None) + " }")
        elif kind == "pub":
            pairs = tuple((k, getattr(value, k)) for k in Publication.__dataclass_fields__)
            out.append(prefix + "{ " + ", ".join(f"{k} = {store._scalar(v)}" for k, v in pairs if v is not None) + " }")
        elif kind == "fields":
            tail.append("[entry.fields]")
            tail.extend(f"{store._key(k)} = {store.toml_str(v)}" for k, v in sorted(value.items()))
    return out + tail


# texts with the characters that take other paths (DEL, controls, quotes), the empty text included
edge_text_st = st.text(alphabet=st.sampled_from('ab é\x7f\x00\n"\\'), max_size=6) | text_st
edge_str_st = st.none() | edge_text_st
edge_int_st = st.none() | st.integers(-2, 10**6) | st.booleans()  # (a bool in an integer field is written "true")
every_field_st = st.builds(
    Entry,
    kind=st.sampled_from(["paper", "project", "link"]) | edge_text_st,
    title=edge_text_st,
    section=edge_text_st,
    **{
        name: edge_str_st
        for name, kind in store.ENTRY_FIELDS.items()
        if kind == "str" and name not in ("kind", "title", "section")
    },
    **{name: edge_int_st for name, kind in store.ENTRY_FIELDS.items() if kind == "int"},
    **{name: st.booleans() | st.sampled_from([0, 1]) for name, kind in store.ENTRY_FIELDS.items() if kind == "bool"},
    authors=st.lists(edge_text_st, max_size=12),
    categories=st.lists(edge_text_st, max_size=3),
    citations=st.none() | st.builds(Citations, st.integers(0, 10**6), edge_text_st, edge_str_st, edge_str_st),
    publication=st.none()
    | st.builds(
        Publication,
        edge_text_st,
        edge_text_st,
        edge_str_st,
        st.none() | st.integers(1900, 2100),
        edge_str_st,
        edge_str_st,
        edge_str_st,
        edge_str_st,
        edge_str_st,
        edge_str_st,
    ),
    links=st.lists(st.builds(Link, edge_text_st, edge_text_st, st.none() | st.integers(0, 10**5)), max_size=3),
    fields=st.dictionaries(edge_text_st, edge_text_st, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(every_field_st, min_size=1, max_size=4))
def test_property_the_generated_entry_writer_writes_what_the_field_loop_wrote(entries: list[Entry]) -> None:
    lib = Library(title="T", sections=[Section(e.section) for e in entries], entries=entries)
    text = store.dumps(lib)
    expected = [line for e in entries for line in ["", *_old_entry_lines_out(e)]]
    assert text.split("\n")[-len(expected) - 1 : -1] == expected


def test_the_entry_writer_handles_every_field_of_the_schema() -> None:
    """Each field of ENTRY_FIELDS, set, gives its own line: the generated code reads every field by its name."""
    lib = Library(title="T")
    entry = Entry(kind="paper", title="T")
    values = {"str": "x", "int": 7, "bool": True, "strlist": ["x"], "links": [Link("x", "https://x.org")]}
    values |= {"cit": Citations(1, "x"), "pub": Publication("x", "y"), "fields": {"x": "y"}}
    for name, kind in store.ENTRY_FIELDS.items():
        if name not in ("kind", "title"):
            setattr(entry, name, values[kind])
    lib.entries = [entry]
    lines = store.dumps(lib).split("[[entry]]")[1].splitlines()
    keys = {line.split(" = ")[0] for line in lines if " = " in line and not line.startswith(" ")}
    assert keys == set(store.ENTRY_FIELDS) - {"fields"} | {"x"}


def _published(i: int) -> Publication:
    return Publication(
        "ICLR",
        "Semantic Scholar",
        type="conference",
        year=2024,
        doi=f"10.5555/x.{i}",
        volume="1",
        pages="1-9",
        url="https://www.semanticscholar.org/paper/abc",
        evidence=f"arXiv 2402.{i:05d}",
        date="2026-12-02",
    )


def test_a_publication_is_written_as_one_inline_table_and_read_back() -> None:
    lib = sample_library()
    lib.entries[0].publication = _published(1)
    lib.entries[1].publication = Publication("Some Venue", "OpenReview")  # only the required keys
    text = store.dumps(lib)
    assert (
        'publication = { venue = "ICLR", source = "Semantic Scholar", type = "conference", year = 2024, '
        'doi = "10.5555/x.1", volume = "1", pages = "1-9", url = "https://www.semanticscholar.org/paper/abc", '
        'evidence = "arXiv 2402.00001", date = "2026-12-02" }'
    ) in text.splitlines()
    assert 'publication = { venue = "Some Venue", source = "OpenReview" }' in text.splitlines()
    assert store.loads(text) == lib


@pytest.mark.parametrize(
    "bad",
    [
        'publication = { source = "x" }',  # no venue
        'publication = { venue = "ICLR", source = "x", year = "2024" }',  # a year that is a string
        'publication = { venue = "ICLR", source = "x", colour = "red" }',  # a key the table does not have
        'publication = "ICLR"',
    ],
)
def test_a_malformed_publication_is_refused(bad: str) -> None:
    with pytest.raises(StoreError, match="field 'publication' must be a \\{venue, source"):
        store.loads(f'[[entry]]\nkind = "paper"\ntitle = "x"\n{bad}\n')


def test_a_sections_inbox_query_and_categories_round_trip_in_two_lines(tmp_path: Path) -> None:
    lib = sample_library()
    before = store.dumps(lib)
    lib.sections[0].query = 'abs:"long context" OR ti:"context window"'
    lib.sections[0].categories = ["cs.CL", "cs.LG"]
    text = store.dumps(lib)
    added = [line for line in difflib.ndiff(before.splitlines(), text.splitlines()) if line.startswith(("+", "-"))]
    assert added == [
        '+ query = "abs:\\"long context\\" OR ti:\\"context window\\""',
        '+ categories = ["cs.CL", "cs.LG"]',
    ]
    back = store.loads(text)
    assert back.sections[0].query == lib.sections[0].query and back.sections[0].categories == ["cs.CL", "cs.LG"]
    assert back.sections[1].query is None and back.sections[1].categories == []
    path = tmp_path / "entries.toml"
    path.write_text(text, "utf-8")
    assert store.load(path).sections[0].categories == ["cs.CL", "cs.LG"]
    assert store.dumps(store.load(path)) == text


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('query = ""', "query must be a non-empty string"),
        ("query = 3", "query must be"),
        ('categories = ["not a category!"]', "categories must be a list of arXiv categories"),
        ('categories = "cs.CL"', "categories must be a list"),
        ('quer = "x"', "must have a name"),
    ],
)
def test_a_bad_section_query_or_category_is_refused_with_its_section(line: str, words: str) -> None:
    with pytest.raises(StoreError, match=words):
        store.loads(f'[list]\ntitle = "T"\n\n[[section]]\nname = "Papers"\n{line}\n')


def test_entry_heads_are_the_lines_whose_first_thing_is_an_entry_header() -> None:
    text = (
        '[list]\ntitle = "T"\n'  # lines 1-2
        "[[entry]]\n"  # 3
        'title = "a [[entry]] in a string"\n'  # 4: not a header
        "  [[ entry ]]  # indented, spaced\n"  # 5
        "\t[[entry]]\r\n"  # 6: a tab before it, CRLF after it
        "x = 1 [[entry]]\n"  # 7: not the first thing on its line
        "[[entry]]"  # 8: the last line, no newline
    )
    offsets = [text.index("[[entry]]"), text.index("[[ entry ]]"), text.index("\t[[entry]]") + 1, text.rindex("[[")]
    assert store.entry_heads(text) == list(zip([3, 5, 6, 8], offsets, strict=True))
    assert store.entry_heads("[[entry]]\n") == [(1, 0)]


def test_an_invalid_entry_is_named_by_its_line_in_a_big_hand_written_list(tmp_path: Path) -> None:
    text = _quirky_big_text(800).replace('title = "Paper 700 ', "title = 3 #", 1)
    bad_line = text.split("\n").index('title = 3 #\\u00e9t\\u00e9 \\"quoted\\""') + 1
    with pytest.raises(StoreError, match=rf"entry #701 \(line {bad_line - 2}\): field 'title' must be a string"):
        store.loads(text)
