"""Real-world .bib input the BibTeX importer does not read faithfully yet (issue 7, bad input). Each test says what
a bibliography from another tool needs; the marked ones fail today (``xfail(strict=True)``) and name the fix."""

from __future__ import annotations

import pytest

from lcllm_cli.importers.bibtex import parse


@pytest.mark.xfail(
    strict=True,
    reason="importers/bibtex.py drops citation keys with ':' or '/' (DBLP writes DBLP:conf/acl/X24); a new key is "
    "made on export, so every \\cite{DBLP:...} in the user's paper breaks. BibTeX and biber accept these keys",
)
def test_dblp_style_keys_are_kept() -> None:
    (entry,) = parse("@inproceedings{DBLP:conf/acl/X24, title={T}, author={A B}, year=2024}\n").library.entries
    assert entry.key == "DBLP:conf/acl/X24"


@pytest.mark.xfail(
    strict=True,
    reason="importers/bibtex.py does not expand @string macros nor concatenation: 'booktitle = acl # \", Vol 1\"' "
    "is stored as the literal text 'acl # \", Vol 1\"' (bibtexparser 2 has ResolveStringReferencesMiddleware)",
)
def test_string_macros_and_concatenation_are_expanded() -> None:
    text = (
        '@string{acl = "Proc. of ACL"}\n'
        '@inproceedings{k, title={Macro Test}, author={A B}, booktitle = acl # ", Vol 1", year=2024}\n'
    )
    (entry,) = parse(text).library.entries
    assert entry.venue == "Proc. of ACL, Vol 1"


@pytest.mark.xfail(
    strict=True,
    reason="a missing comma between two fields ('title = \"Second\" author={B}') is imported as the title "
    "'\"Second\" author=B' instead of being reported with its line",
)
def test_a_missing_comma_between_fields_is_reported_not_swallowed() -> None:
    result = parse('@article{ok, title={Fine}}\n@article{a2, title = "Second" author={B}, year=2020}\n')
    titles = [e.title for e in result.library.entries]
    assert not any("author" in t for t in titles), titles
    assert 2 in [p.line for p in result.problems]


def test_well_formed_fields_from_other_tools_are_read() -> None:
    """What does work, so the marked tests above fail for the reason they give and nothing else."""
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
