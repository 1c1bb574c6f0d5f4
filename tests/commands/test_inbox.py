"""``lcllm inbox`` (the library function): stand-ins for arXiv's search, the Hub's daily papers and Semantic
Scholar's recommendations on 127.0.0.1 (tests/inbox_stub.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.commands import inbox
from lcllm_cli.model import Entry, Library, Section
from lcllm_cli.sources.http import HttpConfig
from tests.inbox_stub import InboxStub, Paper

TODAY = dt.date(2026, 12, 2)  # a Wednesday
YESTERDAY = "2026-12-01"


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[InboxStub]:
    with InboxStub() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


def paper(arxiv: str, title: str, section: str, **kw: object) -> Entry:
    return Entry(kind="paper", title=title, arxiv=arxiv, section=section, authors=["Grace Hopper"], **kw)  # type: ignore[arg-type]


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    """Three sections: one with a query of its own (and categories), two whose queries come from their titles."""
    lib = Library(
        title="T",
        sections=[
            Section("Long Context", query='abs:"long context"', categories=["cs.CL"]),
            Section("KV Cache"),
            Section("Agents"),
        ],
    )
    lib.add_entries(
        [
            paper("2401.00001", "Long Context Scaling of Transformers", "Long Context"),
            paper("2401.00002", "Extending the Context Window to Long Context", "Long Context"),
            paper("2401.00003", "KV Cache Compression for Serving", "KV Cache"),
            paper("2401.00004", "Quantized KV Cache Compression at Scale", "KV Cache"),
            paper("2401.00005", "Eviction Policies for the KV Cache", "KV Cache", doi="10.1234/kv.5"),
            paper("2401.00006", "Tool Agents Planning over Web Tasks", "Agents"),
            paper("2401.00007", "Web Agents Planning with Memory", "Agents"),
            Entry(
                kind="paper",
                title="A Paper Without An arXiv Id",
                url="https://example.org/p",
                authors=["Grace Hopper"],
                section="Agents",
            ),
        ]
    )
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    return path


def gather(path: Path, **kw: object) -> inbox.InboxReport:
    kw.setdefault("today", TODAY)
    return inbox.gather(path, **kw)  # type: ignore[arg-type]


def ids(report: inbox.InboxReport) -> list[str]:
    return [c.ident for c in report.candidates]


def test_candidates_already_in_the_list_never_appear(listed: Path, stub: InboxStub) -> None:
    stub.add_arxiv(
        Paper("2401.00001", "Long Context Scaling of Transformers (v2 title)", YESTERDAY, abstract="long context"),
        Paper("2412.00010", "A Fresh Long Context Benchmark", YESTERDAY, abstract="long context evaluation"),
    )
    # the same DOI as a listed paper, under another (non-arXiv) record: Semantic Scholar's
    stub.recommendations.append(
        {
            "paperId": "a" * 40,
            "externalIds": {"DOI": "10.1234/KV.5"},
            "title": "Eviction Policies for the KV Cache (journal version)",
            "publicationDate": YESTERDAY,
        }
    )
    stub.add_recommendation(Paper("2412.00011", "Paged KV Cache Compression", YESTERDAY))
    # the title (and author) of the listed paper that has no arXiv id, found on the Hub under an arXiv id
    stub.add_daily(YESTERDAY, Paper("2412.00012", "A Paper Without An arXiv Id", YESTERDAY, authors=["Grace Hopper"]))
    report = gather(listed)
    assert "2401.00001" not in ids(report)
    assert "10.1234/KV.5" not in ids(report)
    assert "2412.00012" not in ids(report)
    assert report.in_list == 3
    assert {"2412.00010", "2412.00011"} <= set(ids(report))


def test_a_rejected_candidate_never_comes_back_and_is_sent_as_negative(listed: Path, stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00020", "Sliding KV Cache Compression", YESTERDAY))
    stub.add_recommendation(Paper("2412.00021", "Another KV Cache Compression Trick", YESTERDAY))
    first = gather(listed, sources=["s2"])
    number = next(c.number for c in first.candidates if c.ident == "2412.00020")
    decided = inbox.decide(listed, reject=[str(number)], today=TODAY)
    assert [(d.ident, d.action) for d in decided.decisions] == [("2412.00020", "rejected")]
    record = inbox.rejections_path(listed)
    assert record.name == "entries.rejected.toml"
    assert 'id = "2412.00020"' in record.read_text("utf-8")
    assert [r.ident for r in inbox.load_rejections(listed)] == ["2412.00020"]
    # asked again (nothing from the cache): Semantic Scholar still recommends it, lcllm does not show it
    again = gather(listed, sources=["s2"], config=HttpConfig(ttl=0))
    assert "2412.00020" not in ids(again)
    assert "2412.00021" in ids(again)
    assert again.rejected_before >= 1
    bodies = stub.s2_bodies()
    assert bodies[0]["negativePaperIds"] == []
    assert all("ARXIV:2412.00020" in b["negativePaperIds"] for b in bodies[len(first.plans) :])
    # the same paper under another version, or its title alone, is the same rejection
    assert inbox.decide(listed, reject=["2412.00020v3"], today=TODAY).decisions[0].action == "already rejected"


def test_since_limits_the_dates(listed: Path, stub: InboxStub) -> None:
    stub.add_arxiv(
        Paper("2412.00030", "Long Context Yesterday", YESTERDAY, abstract="long context"),
        Paper("2411.00031", "Long Context Last Month", "2026-11-02", abstract="long context"),
    )
    stub.add_recommendation(Paper("2501.00032", "Old KV Cache Compression", "2025-01-05"))
    stub.add_daily("2026-11-30", Paper("2411.00033", "KV Cache Compression on Monday", "2026-11-27"))
    report = gather(listed, since="1d")
    assert report.since == YESTERDAY and report.until == TODAY.isoformat()
    assert "2412.00030" in ids(report)
    assert not {"2411.00031", "2501.00032", "2411.00033"} & set(ids(report))
    assert all("submittedDate:[202612010000 TO 202612022359]" in q for q in stub.searches())
    assert [r.query["date"] for r in stub.asked("hf")] == [["2026-12-01"], ["2026-12-02"]]
    assert report.too_old == 1  # the recommendation from 2025
    wider = gather(listed, since="2026-11-30", config=HttpConfig(ttl=0))
    assert "2411.00033" in ids(wider)


def test_a_weekend_gives_an_empty_successful_answer(listed: Path, stub: InboxStub) -> None:
    report = gather(listed, since="2026-11-28", until="2026-11-29")
    assert report.candidates == []
    assert report.exit_code == 0
    assert not report.failed_sources
    assert [r.query["date"] for r in stub.asked("hf")] == [["2026-11-28"], ["2026-11-29"]]


@pytest.mark.parametrize("down", ["arxiv", "hf", "s2"])
def test_one_source_failing_leaves_the_others_and_a_named_warning(listed: Path, stub: InboxStub, down: str) -> None:
    stub.add_arxiv(Paper("2412.00040", "Long Context From arXiv", YESTERDAY, abstract="long context"))
    stub.add_daily(YESTERDAY, Paper("2412.00041", "KV Cache Compression From the Hub", YESTERDAY), upvotes=12)
    stub.add_recommendation(Paper("2412.00042", "Web Agents Planning From S2", YESTERDAY))
    stub.fail(down, 503)
    report = gather(listed)
    origin = {"arxiv": "2412.00040", "hf": "2412.00041", "s2": "2412.00042"}
    assert set(ids(report)) == {v for k, v in origin.items() if k != down}
    assert [s.name for s in report.failed_sources] == [down]
    assert report.exit_code == 0


def test_every_source_failing_is_exit_code_1(listed: Path, stub: InboxStub) -> None:
    for name in ("arxiv", "hf", "s2"):
        stub.fail(name, 500)
    report = gather(listed)
    assert len(report.failed_sources) == 3
    assert report.exit_code == 1


def test_add_puts_papers_in_the_section_shown(listed: Path, stub: InboxStub) -> None:
    stub.add_arxiv(Paper("2412.00050", "A Long Context Model", YESTERDAY, abstract="long context"))
    stub.add_recommendation(Paper("2412.00051", "KV Cache Compression Revisited", YESTERDAY))
    stub.add_recommendation(Paper("2412.00052", "Web Agents Planning Revisited", YESTERDAY))
    report = gather(listed)
    shown = {c.ident: (c.number, c.section) for c in report.candidates}
    assert shown["2412.00050"][1] == "Long Context"
    assert shown["2412.00051"][1] == "KV Cache"
    assert shown["2412.00052"][1] == "Agents"
    numbers = [str(shown[i][0]) for i in ("2412.00050", "2412.00051", "2412.00052")]
    decided = inbox.decide(listed, add=numbers)
    assert {d.action for d in decided.decisions} == {"added"}
    lib = store.load(listed)
    section_of = {e.arxiv: e.section for e in lib.entries}
    assert section_of["2412.00050"] == "Long Context"
    assert section_of["2412.00051"] == "KV Cache"
    assert section_of["2412.00052"] == "Agents"
    # and they are no longer candidates
    assert not {"2412.00050", "2412.00051", "2412.00052"} & set(ids(gather(listed)))


def test_add_by_id_with_section_goes_there(listed: Path, stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00053", "KV Cache Compression Again", YESTERDAY))
    gather(listed)
    inbox.decide(listed, add=["arXiv:2412.00053"], section="agents")
    assert {e.arxiv: e.section for e in store.load(listed).entries}["2412.00053"] == "Agents"


def test_a_number_the_listing_does_not_have_changes_nothing(listed: Path, stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00054", "KV Cache Compression Yet Again", YESTERDAY))
    assert len(gather(listed).candidates) == 1
    before = listed.read_bytes()
    with pytest.raises(inbox.UsageError, match="no candidate number 99"):
        inbox.decide(listed, add=["1"], reject=["99"])
    assert listed.read_bytes() == before
    assert not inbox.rejections_path(listed).exists()


def test_a_second_run_the_same_morning_asks_nothing_and_numbers_stay(listed: Path, stub: InboxStub) -> None:
    stub.add_arxiv(Paper("2412.00060", "Long Context One", YESTERDAY, abstract="long context"))
    stub.add_daily(TODAY.isoformat(), Paper("2412.00061", "KV Cache Compression Two", TODAY.isoformat()), upvotes=5)
    stub.add_recommendation(Paper("2412.00062", "Web Agents Three", YESTERDAY))
    first = gather(listed)
    asked = len(stub.server.requests)
    assert first.requests == asked > 0
    second = gather(listed)
    assert len(stub.server.requests) == asked
    assert second.requests == 0 and second.cache_hits == first.requests
    assert [(c.number, c.ident) for c in second.candidates] == [(c.number, c.ident) for c in first.candidates]


def test_queries_come_from_entries_toml_or_from_the_titles(listed: Path, stub: InboxStub) -> None:
    report = gather(listed, sources=["arxiv"])
    by_section = {p.section: p for p in report.plans}
    assert by_section["Long Context"].query == 'abs:"long context"' and not by_section["Long Context"].derived
    assert by_section["KV Cache"].derived and '"kv cache"' in (by_section["KV Cache"].query or "")
    searches = stub.searches()
    assert len(searches) == 3
    assert searches[0].startswith('(abs:"long context") AND (cat:cs.CL) AND submittedDate:')
    assert '"kv cache"' in searches[1]
    assert '"agents planning"' in searches[2]


def test_ranking_adds_signals_and_breaks_ties_by_date(listed: Path, stub: InboxStub) -> None:
    both = Paper("2412.00070", "KV Cache Compression Everywhere", YESTERDAY, abstract="kv cache")
    stub.add_recommendation(both)
    stub.add_daily(YESTERDAY, both, upvotes=99)
    stub.add_recommendation(Paper("2412.00071", "Unrelated Title One", "2026-12-01"))
    stub.add_recommendation(Paper("2412.00072", "Unrelated Title Two", "2026-12-02"))
    report = gather(listed, sources=["s2", "hf"])
    order = ids(report)
    assert order[0] == "2412.00070"
    top = report.candidates[0].to_dict()
    assert top["signals"]["sources"] == ["s2", "hf"]
    assert top["signals"]["hf_upvotes"] == 99
    assert "KV Cache" in top["signals"]["s2_recommended"]
    assert any("99 upvotes" in w for w in top["why"]) and any("recommended from 3 papers" in w for w in top["why"])
    # 2412.00071 and 00072 are recommended for the same sections at ranks 1 and 2: the later rank scores less,
    # whatever the date; a full tie goes to the newer one
    assert order.index("2412.00071") < order.index("2412.00072")
    tie = [inbox.Candidate("b", "x", date="2026-12-01"), inbox.Candidate("a", "x", date="2026-12-02")]
    tie.sort(key=lambda c: (-c.score, inbox._neg_date(c.date), c.ident))
    assert [c.ident for c in tie] == ["a", "b"]


def test_daily_papers_no_section_fits_are_left_out(listed: Path, stub: InboxStub) -> None:
    stub.add_daily(YESTERDAY, Paper("2412.00080", "Protein Folding With Diffusion", YESTERDAY), upvotes=300)
    stub.add_daily(YESTERDAY, Paper("2412.00081", "Web Agents That Browse", YESTERDAY), upvotes=3)
    report = gather(listed, sources=["hf"])
    assert ids(report) == ["2412.00081"]
    assert report.candidates[0].section == "Agents"
    assert report.off_topic == 1


def test_section_limits_the_questions_and_the_candidates(listed: Path, stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00090", "KV Cache Compression Once More", YESTERDAY))
    report = gather(listed, section="kv cache", sources=["s2", "arxiv"])
    assert [p.section for p in report.plans] == ["KV Cache"]
    assert len(stub.asked("s2")) == 1 and len(stub.asked("arxiv")) == 1
    assert {c.section for c in report.candidates} == {"KV Cache"}


def test_bad_options_are_usage_errors(listed: Path, stub: InboxStub) -> None:
    with pytest.raises(inbox.UsageError, match="unknown source"):
        gather(listed, sources=["arxiv", "twitter"])
    with pytest.raises(inbox.UsageError, match="--since"):
        gather(listed, since="last tuesday")
    with pytest.raises(inbox.UsageError, match="after --until"):
        gather(listed, since="2026-12-05", until="2026-12-01")
    assert stub.server.requests == []


def test_rejections_file_is_deterministic_and_sorted(tmp_path: Path) -> None:
    path = tmp_path / "my-list.toml"
    text = inbox.dump_rejections(
        [inbox.Rejection("2412.2", "B", "S", "2026-12-02"), inbox.Rejection("2412.1", 'A "q"')]
    )
    assert inbox.rejections_path(path).name == "my-list.rejected.toml"
    inbox.rejections_path(path).write_text(text, "utf-8")
    assert [r.ident for r in inbox.load_rejections(path)] == ["2412.1", "2412.2"]
    assert inbox.load_rejections(path)[0].title == 'A "q"'
    assert inbox.dump_rejections(inbox.load_rejections(path)) == text


def test_offline_answers_from_the_cache_or_fails_each_source(listed: Path, stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00100", "KV Cache Compression Offline", YESTERDAY))
    cold = gather(listed, config=HttpConfig(offline=True))
    assert len(cold.failed_sources) == 3 and cold.exit_code == 1
    assert stub.server.requests == []
    gather(listed)
    asked = len(stub.server.requests)
    warm = gather(listed, config=HttpConfig(offline=True))
    assert not warm.failed_sources and ids(warm) == ["2412.00100"]
    assert len(stub.server.requests) == asked


def test_by_default_the_inbox_looks_two_days_back(listed: Path, stub: InboxStub) -> None:
    report = gather(listed, sources=["hf"])
    assert (report.since, report.until) == ("2026-11-30", "2026-12-02")
    assert [r.query["date"][0] for r in stub.asked("hf")] == ["2026-11-30", "2026-12-01", "2026-12-02"]
