"""`lcllm stats` as a library function: counts per kind and section, papers per month (arXiv ids and published
dates, gaps kept), most cited and most starred, entries with code, and the --svg chart as a valid SVG image."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.commands.stats import ChartsMissing, compute, month_of, run, svg_chart
from lcllm_cli.errors import UsageError
from lcllm_cli.model import Citations, Entry, Library, Link
from tests.paths import ROOT

SHIPPED = ROOT / "entries.toml"


def test_the_shipped_list_in_numbers() -> None:
    lib = store.load(SHIPPED)
    report = compute(lib)
    assert report.entries == len(lib.entries) == 58
    assert report.kinds == {
        "paper": sum(e.kind == "paper" for e in lib.entries),
        "project": sum(e.kind == "project" for e in lib.entries),
        "link": sum(e.kind == "link" for e in lib.entries),
    }
    assert [name for name, _ in report.sections] == ["Survey", "Papers", "Projects", "Other"]  # "Extra reference"
    assert dict(report.sections)["Projects"] == {"paper": 0, "project": 3, "link": 1}  # is empty: left out
    months = dict(report.months)
    assert report.months[0] == ("2021-05", 1) and report.months[-1][0] == "2024-02"  # 2105.13120 ... 2402.x
    assert months["2022-01"] == 0  # the gap is kept
    assert sum(months.values()) + report.undated == report.kinds["paper"]
    assert months["2024-02"] == sum(1 for e in lib.entries if e.arxiv and e.arxiv.startswith("2402."))
    assert report.most_cited[0].ident == "2307.03172" and report.most_cited[0].count == 64
    assert [r.count for r in report.most_cited] == sorted((r.count for r in report.most_cited), reverse=True)
    assert len(report.most_cited) == 10 and report.most_starred == []  # the shipped list has no star counts
    code = [e for e in lib.entries if any("github.com/" in u for u in e.all_urls())]
    assert report.with_code == len(code) and 0 < report.code_share < 1


def test_months_from_published_else_from_the_arxiv_id() -> None:
    assert month_of(Entry(kind="paper", title="T", arxiv="2402.13753")) == "2024-02"
    assert month_of(Entry(kind="paper", title="T", arxiv="hep-th/9711200")) == "1997-11"
    assert month_of(Entry(kind="paper", title="T", arxiv="math.GT/0309136")) == "2003-09"
    assert month_of(Entry(kind="paper", title="T", arxiv="2402.13753", published="2023-12-30")) == "2023-12"
    assert month_of(Entry(kind="paper", title="T", published="2023-13-01")) is None
    assert month_of(Entry(kind="paper", title="T")) is None


def _lib() -> Library:
    lib = Library(title="T")
    lib.add_entries(
        [
            Entry(kind="paper", title="A", arxiv="2401.00001", citations=Citations(5, "s2"),
                  links=[Link("code", "https://github.com/a/a", stars=50)]),
            Entry(kind="paper", title="B", arxiv="2403.00001", citations=Citations(7, "s2")),
            Entry(kind="paper", title="C", published="2024-03-05", citations=Citations(5, "s2")),
            Entry(kind="paper", title="D"),
            Entry(kind="project", title="P", url="https://github.com/o/p", stars=70, section="Projects"),
            Entry(kind="project", title="Q", url="https://gitlab.com/o/q", stars=10, section="Projects"),
            Entry(kind="link", title="L", url="https://example.org/", section="Links"),
        ]
    )  # fmt: skip
    return lib


def test_ranks_code_and_months_of_a_small_list() -> None:
    report = compute(_lib(), top=2)
    assert report.months == [("2024-01", 1), ("2024-02", 0), ("2024-03", 2)]
    assert report.undated == 1
    assert [(r.title, r.count) for r in report.most_cited] == [("B", 7), ("A", 5)]  # ties: list order
    assert [(r.title, r.count) for r in report.most_starred] == [("P", 70), ("A", 50)]
    assert (report.with_code, report.papers_with_code) == (2, 1)  # P on GitHub, A links its repository
    data = report.to_dict()
    assert data["with_code_share"] == round(2 / 7, 4) and data["papers_with_code_share"] == 0.25
    assert data["sections"][0] == {"section": "Papers", "entries": 4, "paper": 4, "project": 0, "link": 0}
    assert compute(Library()).to_dict()["papers_per_month"] == []


def test_the_svg_is_a_valid_image_with_one_bar_per_month(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    report = run(SHIPPED, svg=out)
    assert report.svg == out
    root = ET.parse(out).getroot()  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("viewBox", "0 0 0 0").split()[2]) > 0
    ids = {el.get("id") for el in root.iter() if (el.get("id") or "").startswith("month-")}
    assert ids == {f"month-{m}" for m, _ in report.months}
    assert out.read_bytes() == svg_chart(report, store.load(SHIPPED).title)  # the same list, the same bytes


def test_a_title_with_dollars_and_braces_is_drawn_as_text() -> None:
    svg = svg_chart(compute(_lib()), "$\\x$ {oops} <b>")  # no mathtext parse error, no markup
    assert ET.fromstring(svg).tag.endswith("svg")


def test_without_matplotlib_svg_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    with pytest.raises(ChartsMissing, match="matplotlib, which is not installed") as err:
        run(SHIPPED, svg=tmp_path / "c.svg")
    assert err.value.hint and "lcllm[charts]" in err.value.hint
    assert not (tmp_path / "c.svg").exists()


def test_svg_never_writes_over_the_list(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_bytes(SHIPPED.read_bytes())
    with pytest.raises(UsageError, match="is the list itself"):
        run(path, svg=path)
    assert path.read_bytes() == SHIPPED.read_bytes()
