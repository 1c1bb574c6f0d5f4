"""Duplicate detection and merging (lcllm_cli.dedupe): every kind of duplicate, every kind of near-miss, no loss."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcllm_cli import store
from lcllm_cli.dedupe import (
    DuplicateIndex,
    _rough_url,
    canonical_token,
    explain_existing,
    find_groups,
    match_existing,
    merge_entries,
    merge_groups,
    title_key,
)
from lcllm_cli.model import Citations, Entry, Library, Link, Publication
from lcllm_cli.urls import url_key
from tests.paths import ROOT

RING = "Ring Attention with Blockwise Transformers for Near-Infinite Context"
RING_AUTHORS = ["Hao Liu", "Matei Zaharia", "Pieter Abbeel"]
MAZE = "Walking Down the Memory Maze: Beyond Context Limit through Interactive Reading"
MAZE_AUTHORS = ["Howard Chen", "Ramakanth Pasunuru", "Jason Weston", "Asli Celikyilmaz"]


def paper(title: str = RING, authors: list[str] | None = None, **kw: object) -> Entry:
    return Entry(kind="paper", title=title, authors=list(RING_AUTHORS if authors is None else authors), **kw)  # type: ignore[arg-type]


def project(url: str, title: str = "RingAttention", **kw: object) -> Entry:
    return Entry(kind="project", title=title, url=url, section="Projects", **kw)  # type: ignore[arg-type]


def lib_of(*entries: Entry) -> Library:
    return Library(entries=list(entries))


def groups_of(*entries: Entry) -> list[list[int]]:
    return [g.indexes for g in find_groups(lib_of(*entries))]


# --------------------------------------------------------------------------------------------- duplicates


def test_same_arxiv_id_whatever_the_version_with_the_reason() -> None:
    other = paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029", version=1)
    groups = find_groups(lib_of(paper(arxiv="2310.01889", version=4), other, paper(arxiv="2310.01889", version=3)))
    assert [g.indexes for g in groups] == [[0, 2]]
    assert groups[0].reasons == ["same arXiv id 2310.01889, v3 and v4"]


def test_same_arxiv_id_and_same_version_says_so() -> None:
    groups = find_groups(
        lib_of(
            paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029", version=1),
            paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029", version=1),
        )
    )
    assert groups[0].reasons == ["same arXiv id 2310.05029, v1 in both"]


def test_arxiv_doi_counts_as_the_arxiv_id() -> None:
    bib = paper(doi="10.48550/arXiv.2310.01889", year=2023)  # as a BibTeX import gives it: no arxiv field
    groups = find_groups(lib_of(paper(arxiv="2310.01889", version=4), bib))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert "same arXiv id 2310.01889" in groups[0].reasons[0]
    assert "DOI 10.48550/arXiv.2310.01889" in groups[0].reasons[0]


def test_doi_org_url_form_of_the_arxiv_doi_too() -> None:
    assert groups_of(paper(arxiv="2310.01889"), paper(doi="https://doi.org/10.48550/ARXIV.2310.01889")) == [[0, 1]]


def test_a_link_item_pointing_at_the_arxiv_page_is_the_paper() -> None:
    link = Entry(kind="link", title="Ring attention paper", url="https://arxiv.org/abs/2310.01889v2", section="Blogs")
    assert groups_of(paper(arxiv="2310.01889", version=4), link) == [[0, 1]]


def test_same_doi_ignoring_case_and_resolver_prefix() -> None:
    a = paper(doi="10.18653/v1/2024.acl-long.172", arxiv="2402.00001")
    b = paper(doi="https://doi.org/10.18653/V1/2024.ACL-LONG.172", title="Something else entirely", authors=["X Y"])
    groups = find_groups(lib_of(a, b))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert groups[0].reasons == ["same DOI 10.18653/v1/2024.acl-long.172"]


@pytest.mark.parametrize(
    "variant",
    [
        "http://github.com/lhao499/RingAttention",
        "https://www.github.com/lhao499/RingAttention",
        "https://github.com/lhao499/RingAttention/",
        "https://github.com/lhao499/RingAttention.git",
        "https://github.com/LHAO499/ringattention",
        "https://github.com/lhao499/RingAttention?tab=readme-ov-file",
    ],
)
def test_same_repository_url_ignoring_noise(variant: str) -> None:
    groups = find_groups(lib_of(project("https://github.com/lhao499/RingAttention"), project(variant, "ring")))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert groups[0].reasons == ["same URL github.com/lhao499/ringattention"]


def test_same_page_url_for_links() -> None:
    a = Entry(kind="link", title="Post", url="https://kaiokendev.github.io/context", section="Blogs")
    b = Entry(
        kind="link", title="Post (again)", url="http://www.kaiokendev.github.io/context/?utm_source=x", section="Blogs"
    )
    assert groups_of(a, b) == [[0, 1]]


def test_project_repeating_a_papers_code_link_is_folded_into_the_paper() -> None:
    data_eng = paper(
        "Data Engineering for Scaling Language Models to 128K Context",
        ["Yao Fu", "Rameswar Panda"],
        arxiv="2402.10171",
        links=[
            Link(
                "long-context-data-engineering",
                "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file",
            )
        ],
    )
    proj = project("https://github.com/FranxYao/Long-Context-Data-Engineering", "Long-Context-Data-Engineering")
    for entries, expected in (((data_eng, proj), [0, 1]), ((proj, data_eng), [0, 1])):
        groups = find_groups(lib_of(*entries))
        assert [g.indexes for g in groups] == [expected]
        assert (
            "repeats the link github.com/franxyao/long-context-data-engineering of paper 2402.10171"
            in groups[0].reasons[0]
        )


@pytest.mark.parametrize(
    "code_link",
    [
        "https://github.com/FranxYao/Long-Context-Data-Engineering/tree/main",
        "https://github.com/FranxYao/Long-Context-Data-Engineering/blob/main/README.md",
        "https://github.com/FranxYao/Long-Context-Data-Engineering.",
        "HTTP://WWW.GitHub.com:443/franxyao/long-context-data-engineering/",
        "https://github.com/FranxYao/Long-Context-Data-Engineering.GIT",
        "git://github.com/FranxYao/Long-Context-Data-Engineering.git",
    ],
)
def test_a_project_is_folded_into_the_paper_whose_code_link_is_another_form_of_its_page(code_link: str) -> None:
    """Each form has the project's url_key; the rough key that narrows the search must not tell them apart."""
    assert url_key(code_link) == url_key("https://github.com/FranxYao/Long-Context-Data-Engineering")
    data_eng = paper("Data Engineering for Scaling Language Models to 128K Context", ["Yao Fu"], arxiv="2402.10171")
    data_eng.links = [Link("code", code_link)]
    proj = project("https://github.com/FranxYao/Long-Context-Data-Engineering", "Long-Context-Data-Engineering")
    for entries in ((data_eng, proj), (proj, data_eng)):
        groups = find_groups(lib_of(*entries))
        assert [g.indexes for g in groups] == [[0, 1]]
        assert "only repeats the link" in groups[0].reasons[0]


_URL_FORMS = st.builds(
    lambda scheme, www, host, port, owner, name, tail, query: f"{scheme}{www}{host}{port}/{owner}/{name}{tail}{query}",
    st.sampled_from(["https://", "http://", "HTTPS://", "git://", ""]),
    st.sampled_from(["", "www.", "WWW."]),
    st.sampled_from(["github.com", "GitHub.com", "example.org", "Example.ORG"]),
    st.sampled_from(["", ":443", ":80"]),
    st.sampled_from(["o", "O", "owner"]),
    st.sampled_from(["n", "N", "n-2"]),
    st.sampled_from(["", "/", ".git", ".GIT", ".Git/", ".", "/tree/main", "/blob/main/README.md", "/tree/main/sub"]),
    st.sampled_from(["", "?tab=readme-ov-file", "#readme", "?utm_source=x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_URL_FORMS, min_size=2, max_size=10))
def test_property_urls_with_one_url_key_have_one_rough_key(urls: list[str]) -> None:
    """The rough key only narrows which links are compared by url_key: it must never tell one page's forms apart."""
    by_key: dict[str, set[str]] = {}
    for url in urls:
        by_key.setdefault(url_key(url), set()).add(_rough_url(url))
    assert all(len(roughs) == 1 for roughs in by_key.values()), by_key


@pytest.mark.parametrize(
    "variant",
    [
        "RING ATTENTION WITH BLOCKWISE TRANSFORMERS FOR NEAR-INFINITE CONTEXT",
        "Ring Attention with Blockwise Transformers for Near Infinite Context.",
        "Ring Attention with Blockwise Transformers for NearInfinite Context",
        "Ring Attention with Block- wise Transformers for Near-Infinite Context",  # hard-wrapped hyphenation
        "{Ring} {A}ttention with Blockwise Transformers for Near-Infinite Context",
        "Ring  Attention   with Blockwise Transformers for Near-Infinite Context",
    ],
)
def test_same_title_after_normalisation_with_agreeing_authors(variant: str) -> None:
    groups = find_groups(lib_of(paper(arxiv="2310.01889", year=2023), paper(variant, year=2024, venue="ICLR 2024")))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert groups[0].reasons[0].startswith("same title after normalisation, same first author (Liu)")


def test_latex_math_and_unicode_forms_normalise_alike() -> None:
    assert title_key("$\\infty$Bench: Extending Long Context") == title_key("∞Bench: Extending long-context")
    assert title_key("Caf\u00e9 Attention") == title_key(unicodedata.normalize("NFD", "Caf\u00e9 Attention"))
    assert title_key("Caf\u00e9 Attention") == title_key("Cafe Attention")
    assert title_key("\uff2c\uff2c\uff2d Survey") == title_key("LLM survey")  # full-width letters (NFKC)
    a = paper("$\\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens", ["Xinrong Zhang"], year=2024)
    b = paper(
        "∞Bench: Extending Long Context Evaluation Beyond 100K Tokens", ["Xinrong Zhang", "Yingfa Chen"], year=2024
    )
    assert groups_of(a, b) == [[0, 1]]


def test_same_title_with_only_the_year_to_agree() -> None:
    assert groups_of(paper(authors=[], year=2023), paper(year=2023)) == [[0, 1]]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sequence Modelling with Rotary Embeddings at Scale", "Sequence Modeling with Rotary Embeddings at Scale"),
        ("Optimisation of Long Context Language Models", "Optimization of Long Context Language Models"),
        ("Efficient Transformers for Long Documents", "Efficient Transformer for Long Documents"),
        ("The Efficient Transformers for Long Documents", "Efficient Transformers for Long Documents"),
    ],
)
def test_titles_differing_only_in_spelling_plural_or_article(a: str, b: str) -> None:
    groups = find_groups(lib_of(paper(a, year=2023), paper(b, year=2023)))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert "spelling, plurals, articles" in groups[0].reasons[0]


def test_an_index_answers_from_the_entries_as_they_were_when_they_went_in() -> None:
    """``add`` updates a matched entry in place while its index of the list is still asking about other papers."""
    first = paper("Attention Is All You Need Today", ["Ada Lovelace", "Alan Turing"], year=2017)
    index = DuplicateIndex([first])
    first.authors = ["Grace Hopper", "John Backus"]
    first.title = "Something Else Entirely"
    again = paper("Attention Is All You Need Today", ["Ada Lovelace", "Alan Turing"], year=2017)
    assert index.explain(again) == (0, "same title after normalisation, same first author (Lovelace), year 2017")


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("optimisation", "optimization"),
        ("optimisations", "optimization"),
        ("organised", "organized"),
        ("summarising", "summarizing"),
        ("tokenisers", "tokenizer"),
        ("modelling", "modeling"),
        ("labelled", "labeled"),
        ("travellers", "traveler"),
        ("colour", "color"),
        ("behaviours", "behaviour"),  # "our" only at the very end
        ("four", "four"),  # too short before "our"
        ("analyse", "analyze"),
        ("analyses", "analyze"),
        ("wise", "wise"),  # "wise" is no British "-ise"
        ("queries", "query"),
        ("models", "model"),
        ("class", "class"),
        ("attention", "attention"),
    ],
)
def test_canonical_token_spells_a_word_the_us_way_without_its_plural(word: str, canonical: str) -> None:
    assert canonical_token(word) == canonical


def test_one_letter_typo_with_the_same_authors_and_year() -> None:
    typo = RING.replace("Blockwise", "Blokwise")
    groups = find_groups(lib_of(paper(year=2023, arxiv="2310.01889"), paper(typo, year=2023)))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert "near-identical titles ('blockwise' / 'blokwise')" in groups[0].reasons[0]
    assert groups_of(paper(year=2023), paper(RING.replace("Blockwise", "Blockise"), year=2023)) == [[0, 1]]
    swapped = RING.replace("Transformers", "Tranfsormers")
    assert groups_of(paper(year=2023), paper(swapped, year=2024)) == [[0, 1]]


# --------------------------------------------------------------------------------------------- near-misses


def test_same_name_before_the_colon_different_subtitle_is_not_a_duplicate() -> None:
    a = paper("LongBench: A Bilingual, Multitask Benchmark for Long Context Understanding", year=2023)
    b = paper("LongBench: A Challenging Benchmark for Long Context Retrieval Evaluation", year=2023)
    c = paper("LongBench: A Bilingual, Multitask Benchmark for Long Context Reasoning", year=2023)  # one word
    assert groups_of(a, b, c) == []


def test_one_meaningful_word_apart_is_not_a_duplicate() -> None:
    a = paper("Positional Interpolation for Long Context", year=2023)
    b = paper("Positional Interpolation for Short Context", year=2023)
    c = paper("Extending Context Windows to 128K Tokens with Sparse Attention", year=2023)
    d = paper("Extending Context Windows to 32K Tokens with Sparse Attention", year=2023)
    e = paper("Extending Context Windows to 128K Tokens with Dense Attention", year=2023)
    assert groups_of(a, b, c, d, e) == []


def test_a_real_word_one_letter_from_another_is_not_a_typo() -> None:
    common = [paper(f"Multi-Modal Model Number {n} for Video", [f"Author {n}"], year=2020 + n) for n in range(4)]
    a = paper("Efficient Multi-Modal Transformers for Long Video Understanding", year=2024)
    b = paper("Efficient Multi-Model Transformers for Long Video Understanding", year=2024)
    assert groups_of(*common, a, b) == []


def test_same_title_by_other_people_or_years_apart_is_not_a_duplicate() -> None:
    a = paper("Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"], year=2017)
    b = paper("Attention Is All You Need", ["Jane Doe", "John Roe"], year=2017)  # other people
    c = paper("Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"], year=2023)  # years apart
    d = paper("Attention Is All You Need", [], year=2019)  # nothing agrees
    e = Entry(kind="link", title="Attention Is All You Need", url="https://blog.example/aiayn", section="Blogs")
    assert groups_of(a, b, c, d, e) == []


def test_typo_needs_the_same_first_author_and_near_years() -> None:
    typo = RING.replace("Blockwise", "Blokwise")
    assert groups_of(paper(year=2023), paper(typo, ["Matei Zaharia", "Hao Liu", "Pieter Abbeel"], year=2023)) == []
    assert groups_of(paper(year=2019), paper(typo, year=2023)) == []
    assert groups_of(paper(year=2023), paper(typo, ["Hao Liu", "Somebody Else"], year=2023)) == []


def test_different_arxiv_ids_never_merge_whatever_else_they_share() -> None:
    a = paper(arxiv="2310.01889", year=2023, links=[Link("code", "https://github.com/a/b")])
    b = paper(arxiv="2310.01898", year=2023, links=[Link("code", "https://github.com/a/b")])
    bridge = paper(year=2023)  # same title and authors as both, no id: must not chain them together
    groups = find_groups(lib_of(a, b, bridge))
    assert all(not {0, 1} <= set(g.indexes) for g in groups)


def test_different_dois_never_merge() -> None:
    assert groups_of(paper(doi="10.1145/1", year=2023), paper(doi="10.1145/2", year=2023)) == []


def test_papers_sharing_a_code_repository_stay_apart_and_the_project_is_left_alone() -> None:
    repo = "https://github.com/thudm/longbench"
    a = paper("LongBench: A Bilingual Benchmark", ["Yushi Bai"], arxiv="2308.14508", links=[Link("code", repo)])
    b = paper("LongBench v2: Deeper Understanding", ["Yushi Bai"], arxiv="2412.15204", links=[Link("code", repo)])
    proj = project("https://github.com/THUDM/LongBench", "LongBench")
    assert groups_of(a, b) == []
    assert groups_of(a, b, proj) == []  # it could belong to either: a false merge is worse than a missed one
    assert groups_of(a, proj) == [[0, 1]]


def test_projects_of_the_same_name_by_other_owners_are_not_duplicates() -> None:
    assert (
        groups_of(
            project("https://github.com/a/LongLoRA", "LongLoRA"), project("https://github.com/b/LongLoRA", "LongLoRA")
        )
        == []
    )


def test_two_papers_linking_the_same_blog_post_stay_apart() -> None:
    post = "https://www.qbitai.com/2023/10/91648.html"
    a = paper(
        "Scaling Laws of RoPE-based Extrapolation", ["Xiaoran Liu"], arxiv="2310.05209", links=[Link("qbitai", post)]
    )
    b = paper(
        "CLEX: Continuous Length Extrapolation", ["Guanzheng Chen"], arxiv="2310.16450", links=[Link("qbitai", post)]
    )
    assert groups_of(a, b) == []


# --------------------------------------------------------------------------------------------- against a list


def test_match_existing_finds_the_entry_an_item_would_duplicate() -> None:
    lib = lib_of(
        paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029", version=1),
        paper(arxiv="2310.01889", version=3, links=[Link("code", "https://github.com/lhao499/RingAttention")]),
    )
    assert match_existing(lib, paper(arxiv="2310.01889", version=4)) == 1
    assert match_existing(lib, paper(doi="10.48550/arXiv.2310.05029")) == 0
    assert match_existing(lib, project("https://github.com/LHAO499/ringattention/")) == 1
    # the arXiv id says 2023 (2310.*): a published version of the same title by the same people is that paper
    assert explain_existing(lib, paper(RING.upper(), year=2024)) == (
        1,
        "same title after normalisation, same first author (Liu), years 2023 and 2024",
    )
    assert match_existing(lib, paper("Positional Interpolation for Long Context", year=2023)) is None
    assert match_existing(lib, paper(arxiv="2310.01898")) is None
    found = explain_existing(lib, paper(arxiv="2310.01889", version=4))
    assert found == (1, "same arXiv id 2310.01889")


def test_one_index_answers_many_questions() -> None:
    lib = lib_of(
        *(paper(f"Paper number {n} about long context", [f"A{n} B{n}"], arxiv=f"2401.{n:05d}") for n in range(1, 200))
    )
    index = DuplicateIndex(lib.entries)
    assert index.explain(paper("x", arxiv="2401.00150")) == (149, "same arXiv id 2401.00150")
    assert index.explain(paper("x", arxiv="2401.00250")) is None


# --------------------------------------------------------------------------------------------- merging


def ring_v3() -> Entry:
    return paper(
        arxiv="2310.01889",
        version=3,
        key="liu2023ring",
        published="2023-10-03",
        venue="arXiv",
        links=[Link("blog", "https://example.org/ring-post")],
        notes="first listed in October",
        categories=["cs.CL"],
    )


def ring_v4() -> Entry:
    return paper(
        "Ring Attention with Blockwise Transformers for Near-Infinite Context (v4)",
        arxiv="2310.01889",
        version=4,
        updated="2023-11-27",
        venue="ICLR 2024",
        citations=Citations(6, "Google Scholar", "https://scholar.google.com/scholar?cites=8066346532887973744"),
        links=[
            Link("RingAttention", "https://github.com/lhao499/RingAttention"),
            Link("blog", "http://example.org/ring-post/"),
        ],
        categories=["cs.CL", "cs.LG"],
        highlight=True,
    )


def test_merge_keeps_the_newest_version_and_everything_either_had() -> None:
    merged = merge_entries([ring_v3(), ring_v4()])
    assert merged.version == 4
    assert merged.title == ring_v4().title  # that version's title
    assert merged.key == "liu2023ring"  # the kept entry's citation key stays valid
    assert merged.published == "2023-10-03" and merged.updated == "2023-11-27"
    assert merged.venue == "ICLR 2024"
    assert merged.citations == Citations(
        6, "Google Scholar", "https://scholar.google.com/scholar?cites=8066346532887973744"
    )
    assert [link.url for link in merged.links] == [
        "http://example.org/ring-post/",
        "https://github.com/lhao499/RingAttention",
    ] or [link.url for link in merged.links] == [
        "https://github.com/lhao499/RingAttention",
        "http://example.org/ring-post/",
    ]
    assert merged.categories == ["cs.CL", "cs.LG"]
    assert merged.notes == "first listed in October"
    assert merged.highlight is True


def test_merge_keeps_the_first_spelling_of_a_link() -> None:
    a = paper(
        arxiv="2402.10171",
        links=[
            Link(
                "long-context-data-engineering",
                "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file",
            )
        ],
    )
    b = project("https://github.com/FranxYao/Long-Context-Data-Engineering", "Long-Context-Data-Engineering", stars=460)
    merged = merge_entries([a, b])
    assert [(x.label, x.url, x.stars) for x in merged.links] == [
        (
            "long-context-data-engineering",
            "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file",
            460,
        )
    ]


def test_the_published_version_of_either_member_is_kept_with_its_venue() -> None:
    published = Publication("ICLR", "Semantic Scholar", type="conference", year=2024, evidence="arXiv 2309.00071")
    a = paper("YaRN: Efficient Context Window Extension", ["Bowen Peng"], arxiv="2309.00071", version=2, venue="arXiv")
    b = paper(
        "YaRN: Efficient Context Window Extension",
        ["Bowen Peng"],
        arxiv="2309.00071",
        version=1,
        venue="ICLR 2024",
        publication=published,
    )
    for members in ([a, b], [b, a]):
        merged = merge_entries(members)
        assert (merged.venue, merged.publication, merged.version) == ("ICLR 2024", published, 2)


def test_a_folded_project_becomes_a_code_link_and_keeps_its_description() -> None:
    a = paper("Data Engineering for Scaling Language Models to 128K Context", ["Yao Fu"], arxiv="2402.10171", version=1)
    b = project(
        "https://github.com/FranxYao/Long-Context-Data-Engineering",
        "Long-Context-Data-Engineering",
        owner="FranxYao",
        description="Implementation of paper Data Engineering for Scaling Language Models to 128K Context",
        stars=460,
    )
    merged = merge_entries([b, a])  # the project came first in the list: the paper still leads
    assert merged.kind == "paper" and merged.arxiv == "2402.10171" and merged.section == "Projects"
    assert merged.links == [
        Link("Long-Context-Data-Engineering", "https://github.com/FranxYao/Long-Context-Data-Engineering", 460)
    ]
    assert merged.description == "Implementation of paper Data Engineering for Scaling Language Models to 128K Context"
    assert merged.url is None  # a paper's url is its own page, not its repository


def test_merge_takes_the_larger_known_citation_count_and_keeps_the_other_page() -> None:
    a = paper(arxiv="2310.01889", citations=Citations(6, "Google Scholar", "https://scholar.google.com/x"))
    b = paper(arxiv="2310.01889", citations=Citations(40, "Semantic Scholar", "https://www.semanticscholar.org/p/1"))
    c = paper(arxiv="2310.01889")
    merged = merge_entries([a, b, c])
    assert merged.citations is not None and (merged.citations.count, merged.citations.source) == (
        40,
        "Semantic Scholar",
    )
    assert "https://scholar.google.com/x" in [link.url for link in merged.links]


def test_merge_takes_the_fuller_author_list() -> None:
    short = paper(arxiv="2310.01889", version=4, authors=["Hao Liu", "Pieter Abbeel"], authors_elided=True)
    full = paper(arxiv="2310.01889", version=3, authors=["Hao Liu", "Matei Zaharia", "Pieter Abbeel"])
    assert merge_entries([short, full]).authors == ["Hao Liu", "Matei Zaharia", "Pieter Abbeel"]
    assert merge_entries([short, full]).authors_elided is False


def test_merge_prefers_a_published_doi_and_keeps_other_keys_as_aliases() -> None:
    a = paper(arxiv="2310.01889", doi="10.48550/arXiv.2310.01889", key="liu2023ring", fields={"note": "a"})
    b = paper(doi="10.1000/ring", key="liu2024ring", fields={"note": "b", "pages": "1--12"})
    merged = merge_entries([a, b])
    assert merged.doi == "10.1000/ring"
    assert merged.key == "liu2023ring"
    assert merged.fields["ids"] == "liu2024ring"
    assert merged.fields["note"] == "a" and merged.fields["note_alt"] == "b" and merged.fields["pages"] == "1--12"


def test_every_url_of_every_member_survives_the_merge() -> None:
    members = [
        ring_v3(),
        ring_v4(),
        paper(
            url="https://openreview.net/forum?id=WsRHpHH4s0",
            citations=Citations(3, "Semantic Scholar", "https://s2.example/ring"),
        ),
        project("https://github.com/lhao499/ring-attention-jax", "ring-attention-jax", stars=10),
        Entry(kind="link", title="A talk", url="https://youtube.com/watch?v=abc", section="Blogs"),
        Entry(kind="link", title="A repost", url="https://arxiv.org/abs/2310.01889", section="Blogs"),
    ]
    before = {url_key(u) for m in members for u in m.all_urls()}
    merged = merge_entries(members)
    assert before <= {url_key(u) for u in merged.all_urls()}


def test_merge_groups_keeps_the_position_of_the_first_member_and_the_rest_in_order() -> None:
    lib = lib_of(
        Entry(kind="link", title="A", url="https://a.example"),
        ring_v3(),
        Entry(kind="link", title="B", url="https://b.example"),
        paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029"),
        ring_v4(),
        paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029", links=[Link("mp.weixin.qq", "https://mp.weixin.qq.com/s?x=1")]),
    )
    result = merge_groups(lib, find_groups(lib))
    assert result.removed == 2
    assert [e.title for e in lib.entries] == ["A", ring_v4().title, "B", MAZE]
    assert lib.entries[1].version == 4 and lib.entries[3].links[0].url == "https://mp.weixin.qq.com/s?x=1"


def test_merging_is_deterministic() -> None:
    def build() -> Library:
        return lib_of(
            ring_v3(),
            paper(MAZE, MAZE_AUTHORS, arxiv="2310.05029"),
            ring_v4(),
            project("https://github.com/lhao499/ringattention"),
        )

    texts = []
    for _ in range(2):
        lib = build()
        merge_groups(lib, find_groups(lib))
        texts.append(store.dumps(lib))
    assert texts[0] == texts[1]
    assert "2310.01889" in texts[0] and texts[0].count("[[entry]]") == 2


# --------------------------------------------------------------------------------------------- scale


def test_synthetic_list_every_planted_duplicate_found_no_false_merge() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synth import DUPLICATE_KINDS, NEAR_MISS_KINDS, generate
    finally:
        sys.path.pop(0)
    synth = generate(2000, seed=7)
    assert {k for k, _, _ in synth.planted} == set(DUPLICATE_KINDS)
    assert {k for k, _, _ in synth.near_misses} == set(NEAR_MISS_KINDS)
    group_of = {i: n for n, g in enumerate(find_groups(synth.library)) for i in g.indexes}
    missed = [(k, a, b) for k, a, b in synth.planted if a not in group_of or group_of[a] != group_of.get(b)]
    assert missed == []
    members: dict[int, set[int]] = {}
    for i, n in group_of.items():
        members.setdefault(n, set()).add(synth.work[i])
    assert [works for works in members.values() if len(works) > 1] == []


def test_a_hyphenated_phrase_holding_an_article_written_as_one_word() -> None:
    a = paper("On the KV Caches of Unified Decoding in Needle-in-a-Haystack Retrieval", year=2022)
    b = paper("On the KV Caches of Unified Decoding in NeedleinaHaystack Retrieval", year=2022)
    groups = find_groups(lib_of(a, b))
    assert [g.indexes for g in groups] == [[0, 1]]
    assert groups[0].reasons[0].startswith("same title after normalisation")


def test_an_item_repeated_thousands_of_times_is_one_group() -> None:
    copies = [paper(arxiv="2310.01889", version=1 + n % 4) for n in range(3000)]
    copies += [project("https://github.com/lhao499/RingAttention/") for _ in range(1000)]
    copies += [paper(MAZE, MAZE_AUTHORS, year=2023) for _ in range(1000)]  # no ids: title and authors only
    groups = find_groups(lib_of(*copies))
    assert [len(g.indexes) for g in groups] == [3000, 1000, 1000]
    assert groups[0].reasons == ["same arXiv id 2310.01889, v1, v2, v3 and v4"]


def test_same_title_and_a_common_first_surname_alone_is_not_enough() -> None:
    a = paper("A Survey on Long Context Language Models", ["Wei Wang", "Jun Li", "Min Zhao"], year=2024)
    b = paper("A Survey on Long Context Language Models", ["Xin Wang", "Tao Sun", "Yi Zhou"], year=2024)
    c = paper("A Survey on Long Context Language Models", ["Wei Wang", "Min Zhao"], year=2025, venue="ACM CSUR")
    assert groups_of(a, b) == []
    assert groups_of(a, b, c) == [[0, 2]]
