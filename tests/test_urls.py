"""urls.is_web_url answers as urlsplit would, refusing what would end a link (white space, controls, quotes)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcllm_cli.urls import github_repo, is_web_url


def reference(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.netloc)
        and not any(c in url for c in ' <>"`')
        and not any(ord(c) < 32 or ord(c) == 127 for c in url)
    )


CASES = [
    "https://github.com/o/r",
    "HTTP://Example.org",
    "http://a.b:",
    "http://a.b:8080/x?y=1#z",
    "https://a.b/x y",
    "https://a.b/<script>",
    "https://a.b/\x00",
    "https://[::1/x",
    "https://[::1]/x",
    "https://user@host/x",
    "javascript:alert(1)",
    "ftp://a.b",
    "https://",
    "https:///x",
    " https://a.b",
    "https://a.b\x0b",
    "//a.b/x",
]


def test_known_urls_answer_as_urlsplit_does() -> None:
    for url in CASES:
        assert is_web_url(url) == reference(url), repr(url)


@given(st.text(alphabet="htps:/[]@.-aA0 \t\n<>?#%", max_size=30))
def test_property_agrees_with_urlsplit(url: str) -> None:
    assert is_web_url(url) == reference(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://gıthub.com/owner/repo",  # dotless i: another host, whose stars are not this repository's
        "https://GİTHUB.com/owner/repo",  # dotted capital I
        "https://github.com/\u212aelvin/repo",  # Kelvin sign: GitHub names are ASCII
        "https://github.com/owner/repſ",  # long s
    ],
)
def test_look_alike_github_urls_are_not_repositories(url: str) -> None:
    assert github_repo(url) is None


def test_github_repo_still_ignores_ascii_letter_case() -> None:
    assert github_repo("HTTPS://WWW.GitHub.COM/Org/Repo.git/") == ("Org", "Repo")
