"""``lcllm stats``: what the list holds: entries per kind and section, papers per month, the most cited and most
starred entries, and how many come with code. Reads ``entries.toml``, never writes it (``--svg`` writes its chart).

A paper's month is its ``published`` month, else the month its arXiv id says it was submitted (``2402.13753``:
2024-02; ``hep-th/9711200``: 1997-11); the months run from the first to the last, empty ones included, so a chart
shows gaps as gaps. An entry "has code" when it is a project on GitHub or has a link to a GitHub repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lcllm_cli.errors import LcllmError
from lcllm_cli.model import KINDS, Entry, Library

TOP = 10
_NEW_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}\Z")
_OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Za-z]{2})?/(\d{2})(\d{2})\d{3}\Z")
_PUBLISHED = re.compile(r"(\d{4})-(\d{2})")


class ChartsMissing(LcllmError):
    """``--svg`` was asked for without the plotting library installed."""

    exit_code = 1


@dataclass(slots=True)
class Ranked:
    """One entry of a top list: how the command line names it, its title, and the number it is ranked by."""

    ident: str
    title: str
    count: int
    section: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.ident, "title": self.title, "count": self.count, "section": self.section}


@dataclass(slots=True)
class StatsReport:
    entries: int
    kinds: dict[str, int]
    sections: list[tuple[str, dict[str, int]]]  # (section, count per kind), in the list's section order
    months: list[tuple[str, int]]  # ("2024-02", papers), first to last month with none skipped
    undated: int  # papers with no month known
    most_cited: list[Ranked] = field(default_factory=list)
    most_starred: list[Ranked] = field(default_factory=list)
    with_code: int = 0
    papers_with_code: int = 0
    svg: Path | None = None  # the chart written with --svg

    @property
    def code_share(self) -> float:
        return self.with_code / self.entries if self.entries else 0.0

    def to_dict(self) -> dict[str, object]:
        papers = self.kinds.get("paper", 0)
        return {
            "entries": self.entries,
            "kinds": dict(self.kinds),
            "sections": [{"section": name, "entries": sum(c.values()), **c} for name, c in self.sections],
            "papers_per_month": [{"month": m, "papers": n} for m, n in self.months],
            "papers_undated": self.undated,
            "most_cited": [r.to_dict() for r in self.most_cited],
            "most_starred": [r.to_dict() for r in self.most_starred],
            "with_code": self.with_code,
            "with_code_share": round(self.code_share, 4),
            "papers_with_code": self.papers_with_code,
            "papers_with_code_share": round(self.papers_with_code / papers, 4) if papers else 0.0,
            **({"svg": str(self.svg)} if self.svg else {}),
        }


def month_of(entry: Entry) -> str | None:
    """``YYYY-MM`` of a paper: its published month, else its arXiv id's; None when neither says."""
    m = _PUBLISHED.match(entry.published or "")
    if m and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{m[2]}"
    if entry.arxiv:
        m = _NEW_ID.match(entry.arxiv) or _OLD_ID.match(entry.arxiv)
        if m and 1 <= int(m[2]) <= 12:
            yy = int(m[1])
            century = 2000 if m.re is _NEW_ID or yy < 91 else 1900
            return f"{century + yy:04d}-{m[2]}"
    return None


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def has_code(entry: Entry) -> bool:
    from lcllm_cli.urls import github_repo

    if entry.kind == "project" and entry.url and github_repo(entry.url):
        return True
    return any(github_repo(link.url) for link in entry.links)


def stars_of(entry: Entry) -> int | None:
    """The stars of the entry's own repository (a project), else of the most starred repository it links to."""
    counts = [c for c in (entry.stars, *(link.stars for link in entry.links)) if c is not None]
    return max(counts) if counts else None


def compute(lib: Library, top: int = TOP) -> StatsReport:
    kinds = dict.fromkeys(KINDS, 0)
    per_section: dict[str, dict[str, int]] = {name: dict.fromkeys(KINDS, 0) for name in lib.section_names()}
    per_month: dict[str, int] = {}
    undated = 0
    with_code = papers_with_code = 0
    cited: list[tuple[int, int, Entry]] = []
    starred: list[tuple[int, int, Entry]] = []
    for i, entry in enumerate(lib.entries):
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        counts = per_section.setdefault(entry.section, dict.fromkeys(KINDS, 0))
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
        if entry.kind == "paper":
            month = month_of(entry)
            if month is None:
                undated += 1
            else:
                per_month[month] = per_month.get(month, 0) + 1
        if has_code(entry):
            with_code += 1
            papers_with_code += entry.kind == "paper"
        if entry.citations is not None:
            cited.append((-entry.citations.count, i, entry))
        stars = stars_of(entry)
        if stars is not None:
            starred.append((-stars, i, entry))
    months = [(m, per_month.get(m, 0)) for m in _month_range(min(per_month), max(per_month))] if per_month else []

    def ranked(rows: list[tuple[int, int, Entry]]) -> list[Ranked]:
        return [Ranked(e.ident, e.title, -n, e.section) for n, _, e in sorted(rows)[:top]]

    return StatsReport(
        entries=len(lib.entries),
        kinds=kinds,
        sections=[(name, c) for name, c in per_section.items() if any(c.values())],
        months=months,
        undated=undated,
        most_cited=ranked(cited),
        most_starred=ranked(starred),
        with_code=with_code,
        papers_with_code=papers_with_code,
    )


def svg_chart(report: StatsReport, title: str) -> bytes:
    """Papers per month as a bar chart, an SVG drawn by matplotlib (each bar's group has the id ``month-YYYY-MM``).

    The same report gives the same bytes: no date in the metadata, a fixed seed for the ids matplotlib makes."""
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure
    except ImportError:
        raise ChartsMissing(
            "--svg draws with matplotlib, which is not installed",
            hint="pip install 'lcllm[charts]' (or pip install matplotlib), then run again",
        ) from None
    import io

    with rc_context({"svg.hashsalt": "lcllm", "svg.fonttype": "path", "font.family": "DejaVu Sans"}):
        months = [m for m, _ in report.months]
        counts = [n for _, n in report.months]
        fig = Figure(figsize=(max(6.0, min(0.28 * len(months) + 2, 24.0)), 3.6), layout="constrained")
        ax = fig.subplots()
        bars = ax.bar(range(len(months)), counts, color="#4c72b0", width=0.8)
        for bar, month in zip(bars, months, strict=True):
            bar.set_gid(f"month-{month}")
        step = max(1, len(months) // 24)
        ax.set_xticks(range(0, len(months), step), months[::step], rotation=60, ha="right", fontsize=8)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("papers")
        ax.set_title(f"{title}: papers per month" if title else "Papers per month", fontsize=11, parse_math=False)
        ax.spines[["top", "right"]].set_visible(False)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "lcllm stats"})
    return buf.getvalue()


def run(path: Path, *, top: int = TOP, svg: Path | None = None) -> StatsReport:
    from lcllm_cli import files, store
    from lcllm_cli.errors import UsageError

    if top < 0:
        raise UsageError("--top must be 0 or more")
    if svg is not None and files.same_file(svg, path):
        raise UsageError(f"{svg} is the list itself; --svg never writes over entries.toml", hint="give another file")
    lib = store.load(path)
    report = compute(lib, top)
    if svg is not None:
        files.write_atomic(svg, svg_chart(report, lib.title))
        report.svg = svg
    return report
