"""Real-world .bib input from other tools (issue 7, bad input): DBLP keys, @string macros, a missing comma."""

from __future__ import annotations

from lcllm_cli.importers.bibtex import parse


def test_dblp_style_keys_are_kept() -> None:
    (entry,) = parse("@inproceedings{DBLP:conf/acl/X24, title={T}, author={A B}, year=2024}\n").library.entries
    assert entry.key == "DBLP:conf/acl/X24"


def test_string_macros_and_concatenation_are_expanded() -> None:
    text = (
        '@string{acl = "Proc. of ACL"}\n'
        '@inproceedings{k, title={Macro Test}, author={A B}, booktitle = acl # ", Vol 1", year=2024}\n'
    )
    (entry,) = parse(text).library.entries
    assert entry.venue == "Proc. of ACL, Vol 1"


def test_a_missing_comma_between_fields_is_reported_not_swallowed() -> None:
    result = parse('@article{ok, title={Fine}}\n@article{a2, title = "Second" author={B}, year=2020}\n')
    titles = [e.title for e in result.library.entries]
    assert not any("author" in t for t in titles), titles
    assert 2 in [p.line for p in result.problems]


def test_well_formed_fields_from_other_tools_are_read() -> None:
    text = (
        "@article{a3,\n  title = {Third {LLM} Paper},\n  author = {Doe, Jane and Roe, Richard},\n"
        "  year = {2020},\n  doi = {10.1000/xyz},\n}\n"
    )
    (entry,) = parse(text).library.entries
    assert (entry.key, entry.title, entry.authors, entry.doi) == (
        "a3",
        "Third LLM Paper",
        ["Jane Doe", "Richard Roe"],
        "10.1000/xyz",
    )
