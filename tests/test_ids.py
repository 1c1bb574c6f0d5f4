"""arXiv id normalisation: every form people paste gives one canonical id; nothing else is accepted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcllm_cli.errors import InvalidIdError
from lcllm_cli.ids import ArxivId, parse_arxiv_id, try_parse_arxiv_id

FORMS_2402 = [
    "2402.13753",
    " 2402.13753 ",
    "arXiv:2402.13753",
    "arxiv: 2402.13753",
    "ARXIV:2402.13753",
    "https://arxiv.org/abs/2402.13753",
    "http://arxiv.org/abs/2402.13753",
    "https://www.arxiv.org/abs/2402.13753",
    "https://export.arxiv.org/abs/2402.13753",
    "arxiv.org/abs/2402.13753",
    "https://arxiv.org/abs/2402.13753/",
    "https://arxiv.org/abs/2402.13753?context=cs",
    "https://arxiv.org/abs/2402.13753#section",
    "https://arxiv.org/pdf/2402.13753",
    "https://arxiv.org/pdf/2402.13753.pdf",
    "https://arxiv.org/html/2402.13753",
    "10.48550/arXiv.2402.13753",
    "10.48550/ARXIV.2402.13753",
    "https://doi.org/10.48550/arXiv.2402.13753",
    "doi:10.48550/arXiv.2402.13753",
]


@pytest.mark.parametrize("text", FORMS_2402)
def test_every_form_of_an_id_normalises_to_it(text: str) -> None:
    assert parse_arxiv_id(text) == ArxivId("2402.13753", None)


@pytest.mark.parametrize(
    "text",
    [
        "2402.13753v2",
        "arXiv:2402.13753v2",
        "https://arxiv.org/abs/2402.13753v2",
        "http://arxiv.org/pdf/2402.13753v2.pdf",
        "https://arxiv.org/html/2402.13753v2",
        "https://export.arxiv.org/abs/2402.13753v2",
    ],
)
def test_versions_are_kept_apart_from_the_id(text: str) -> None:
    parsed = parse_arxiv_id(text)
    assert (parsed.id, parsed.version, parsed.versioned) == ("2402.13753", 2, "2402.13753v2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hep-th/9711200", "hep-th/9711200"),
        ("math.GT/0309136", "math/0309136"),
        ("https://arxiv.org/abs/math.GT/0309136v2", "math/0309136"),
        ("http://arxiv.org/pdf/hep-th/9711200v1.pdf", "hep-th/9711200"),
        ("astro-ph/0601001", "astro-ph/0601001"),
        ("0704.0001", "0704.0001"),
        ("1412.9999", "1412.9999"),
        ("1501.00001", "1501.00001"),
    ],
)
def test_old_style_and_four_digit_ids(text: str, expected: str) -> None:
    assert parse_arxiv_id(text).id == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2402.1375",  # too short after 2015
        "2402.137530",
        "1412.00001",  # five digits before 2015
        "1501.0001",  # four digits from 2015
        "0703.0001",  # before new-style ids began
        "2413.00001",  # month 13
        "2402.13753v0",
        "foo-th/9711200",  # no such archive
        "hep-th/0704001",  # old style after March 2007
        "https://example.org/abs/2402.13753",
        "https://github.com/owner/repo",
        "10.1000/xyz123",
        "2402.13753 2402.13754",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert try_parse_arxiv_id(text) is None
    with pytest.raises(InvalidIdError) as info:
        parse_arxiv_id(text)
    assert "not an arXiv id" in info.value.message


new_ids = st.builds(
    lambda yy, mm, n5, v: (f"{yy:02d}{mm:02d}.{n5:05d}", v),
    st.integers(15, 99),
    st.integers(1, 12),
    st.integers(0, 99999),
    st.one_of(st.none(), st.integers(1, 30)),
)


@given(
    new_ids,
    st.sampled_from(
        [
            "{}",
            "arXiv:{}",
            "https://arxiv.org/abs/{}",
            "http://arxiv.org/pdf/{}.pdf",
            "https://export.arxiv.org/abs/{}",
            "https://arxiv.org/html/{}",
        ]
    ),
)
def test_property_every_accepted_form_normalises_to_one_value(idv: tuple[str, int | None], form: str) -> None:
    ident, version = idv
    text = form.format(ident + (f"v{version}" if version else ""))
    assert parse_arxiv_id(text) == ArxivId(ident, version)
    # and the canonical form parses to itself
    assert parse_arxiv_id(parse_arxiv_id(text).versioned) == ArxivId(ident, version)


@given(st.text(max_size=40))
def test_property_random_text_is_refused_or_canonical(text: str) -> None:
    parsed = try_parse_arxiv_id(text)
    if parsed is not None:
        # whatever is accepted is a canonical id that round-trips
        assert try_parse_arxiv_id(parsed.versioned) == parsed
        assert "/" not in parsed.id or parsed.id.split("/")[0].islower()


@pytest.mark.parametrize(
    "text",
    [
        "https://arxıv.org/abs/2402.13753",  # dotless i
        "https://ARXİV.org/abs/2402.13753",  # dotted capital I
        "httpſ://arxiv.org/abs/2402.13753",  # long s
        "https://www.arxıv.org/pdf/2402.13753",
        "arxıv:2402.13753",
        "doi:10.48550/arxıv.2402.13753",
        "https://doı.org/10.48550/arXiv.2402.13753",
    ],
)
def test_look_alike_hosts_and_prefixes_are_not_arxiv(text: str) -> None:
    assert try_parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    "text",
    ["HTTPS://ArXiv.ORG/abs/2402.13753", "ARXIV:2402.13753", "https://DOI.org/10.48550/ARXIV.2402.13753"],
)
def test_ascii_letter_case_is_still_ignored(text: str) -> None:
    assert try_parse_arxiv_id(text) == ArxivId("2402.13753", None)
