"""docs/entries-toml.md describes the schema the model defines: every field of an entry, a link, a citation count,
a section and the list, with its type, whether it is required and its default, in the order lcllm writes them, and
nothing the model does not have; its example is read by lcllm's own reader and uses every field."""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing

import pytest

from lcllm_cli import model, store
from lcllm_cli.errors import StoreError
from lcllm_cli.model import Citations, Entry, Library, Link, Publication, Section
from tests.paths import ROOT

PAGE = ROOT / "docs" / "entries-toml.md"

# The type names the page uses, for the Python types of the model's fields.
TYPE_NAMES: dict[object, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    list[str]: "array of strings",
    list[Link]: "array of tables",
    Citations: "table",
    Publication: "table",
    dict[str, str]: "table of strings",
}


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def tables() -> dict[str, list[dict[str, str]]]:
    """Each Markdown table of the page, under the heading it follows (backticks dropped), as rows of cells."""
    found: dict[str, list[dict[str, str]]] = {}
    heading, header = "", None
    for line in page().splitlines():
        if line.startswith("#"):
            heading, header = line.lstrip("#").strip().strip("`"), None
        elif line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if header is None:
                header = cells
                assert heading not in found, f"two tables under {heading!r}"
                found[heading] = []
            else:
                found[heading].append(dict(zip(header, cells, strict=True)))
        elif not line.startswith("|"):
            header = None
    return found


def documented(heading: str) -> dict[str, dict[str, str]]:
    rows = tables()[heading]
    return {row["Key"].strip("`"): row for row in rows}


def type_name(hint: object) -> str:
    if isinstance(hint, types.UnionType):  # `str | None`: optional, the type is the other one
        (hint,) = (a for a in typing.get_args(hint) if a is not type(None))
    return TYPE_NAMES[hint]


def default_text(f: dataclasses.Field[object]) -> str:
    """The page's Default column for a field: blank when required, else the TOML value, or (none)."""
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        return {list: "`[]`", dict: "`{}`"}[type(value)]
    if f.default is dataclasses.MISSING:
        return ""
    if f.default is None:
        return "(none)"
    if isinstance(f.default, bool):
        return f"`{str(f.default).lower()}`"
    if isinstance(f.default, str):
        return f'`"{f.default}"`'
    return f"`{f.default}`"


def schema_cases() -> list[tuple[str, type, tuple[str, ...]]]:
    """(heading on the page, model class, fields of the class that are not keys of that table)."""
    return [
        ("[[entry]]", Entry, ()),
        ("links", Link, ()),
        ("citations", Citations, ()),
        ("publication", Publication, ()),
        ("[[section]]", Section, ()),
        ("[list]", Library, ("sections", "entries")),  # the [[section]] and [[entry]] arrays of the top level
    ]


@pytest.mark.parametrize(("heading", "cls", "not_keys"), schema_cases(), ids=[c[0] for c in schema_cases()])
def test_every_field_of_the_model_is_documented_and_every_documented_field_exists(
    heading: str, cls: type, not_keys: tuple[str, ...]
) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.name not in not_keys]
    rows = documented(heading)
    names = [f.name for f in fields]
    assert sorted(rows) == sorted(names), (
        f"docs/entries-toml.md, table {heading}: documents {sorted(set(rows) - set(names))} that {cls.__name__} "
        f"lacks and lacks {sorted(set(names) - set(rows))}"
    )
    assert list(rows) == names, f"table {heading}: the keys are not in the order lcllm writes them"
    hints = typing.get_type_hints(cls)
    for f in fields:
        row = rows[f.name]
        assert row["Type"].split(" (")[0] == type_name(hints[f.name]), (heading, f.name, row["Type"])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        assert (row["Required"] == "yes") == required, (heading, f.name, row["Required"])
        assert row["Default"] == default_text(f), (heading, f.name, row["Default"])
        assert row["Meaning"], (heading, f.name)


def test_the_entry_table_agrees_with_the_readers_field_list() -> None:
    fields = getattr(store, "ENTRY_FIELDS", None)
    if fields is None:
        pytest.skip("lcllm_cli.store has no ENTRY_FIELDS (the schema is derived from the model alone)")
    kinds = {"str": "string", "int": "integer", "bool": "boolean", "strlist": "array of strings"}
    kinds |= {"links": "array of tables", "cit": "table", "pub": "table", "fields": "table of strings"}
    rows = documented("[[entry]]")
    assert list(rows) == list(fields)
    for name, kind in fields.items():
        assert rows[name]["Type"] == kinds[kind], name


def test_the_top_level_is_the_list_the_sections_and_the_entries() -> None:
    assert list(documented("Top level")) == ["list", "section", "entry"]
    with pytest.raises(StoreError, match="unknown top-level"):
        store.loads('[lists]\ntitle = "x"\n')


def test_a_key_the_page_does_not_name_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown field 'colour'"):
        store.loads('[[entry]]\nkind = "link"\ntitle = "x"\nurl = "https://x.example"\ncolour = "red"\n')


def test_kinds_named_on_the_page_are_the_models() -> None:
    assert set(re.findall(r"^- `(\w+)`:", page(), re.MULTILINE)) == set(model.KINDS)
    assert re.findall(r'`"(\w+)"`', documented("[[entry]]")["kind"]["Meaning"]) == list(model.KINDS)


def test_the_fields_arxiv_is_the_source_of_are_the_models() -> None:
    (paragraph,) = (p for p in page().split("\n\n") if p.startswith("Fields arXiv is the source of"))
    named = re.findall(r"`(\w+)`", paragraph.split(":", 1)[1])
    assert named == list(model.ARXIV_FIELDS)


def example() -> str:
    (text,) = re.findall(r"^```toml\n(.*?)^```$", page(), re.MULTILINE | re.DOTALL)
    return text


def test_the_example_is_read_by_lcllm_and_uses_every_key() -> None:
    lib = store.loads(example(), "the example in docs/entries-toml.md")
    assert len(lib.entries) >= 3 and {e.kind for e in lib.entries} == set(model.KINDS)
    data = tomllib.loads(example())
    assert set(data) == set(documented("Top level"))
    assert set(data["list"]) == set(documented("[list]"))
    assert {k for sec in data["section"] for k in sec} == set(documented("[[section]]"))
    assert {k for e in data["entry"] for k in e} == set(documented("[[entry]]"))
    assert {k for e in data["entry"] for link in e.get("links", []) for k in link} == set(documented("links"))
    assert {k for e in data["entry"] for k in e.get("citations", {})} == set(documented("citations"))
    assert {k for e in data["entry"] for k in e.get("publication", {})} == set(documented("publication"))
    # what lcllm writes for the example reads back as the same list
    assert store.loads(store.dumps(lib)) == lib
