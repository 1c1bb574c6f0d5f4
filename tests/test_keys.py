"""keys.fold, the one Unicode fold: citation keys and duplicate detection read a name or a title the same way."""

from __future__ import annotations

import pytest

from lcllm_cli import dedupe, keys
from lcllm_cli.model import Entry, Library


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("LongRoPE", "longrope"),
        ("Miłoś", "milos"),  # ł: a letter of its own that NFKD leaves whole
        ("Ærø Straße", "aero strasse"),
        ("ﬁne-tuning", "fine-tuning"),  # a ligature: its compatibility decomposition
        ("José Müller", "jose muller"),
        ("长上下文 ∞", "长上下文 ∞"),  # other scripts and symbols stay
        ("İstanbul", "istanbul"),  # the dot above is a combining mark after NFKD
    ],
)
def test_fold_drops_case_and_accents_and_keeps_other_scripts(text: str, folded: str) -> None:
    assert keys.fold(text) == folded


def test_ascii_fold_is_the_fold_restricted_to_ascii_letters_and_digits() -> None:
    assert keys.ascii_fold("Miłoś Nowak-Ł.") == "milosnowakl"
    assert keys.ascii_fold("长上下文") == ""
    assert keys.ascii_fold("hep-th/9711200") == "hepth9711200"


def test_dedupe_reads_a_surname_as_the_citation_key_does() -> None:
    # The key of "Piotr Miłoś" is milos...; duplicate detection reads the name the same way, so the same paper with
    # the name written without its letter ł is one paper.
    a = Entry(kind="paper", title="Focused Transformer: Contrastive Training", authors=["Piotr Miłoś"], year=2023)
    b = Entry(kind="paper", title="Focused transformer: contrastive training", authors=["Piotr Milos"], year=2023)
    assert keys.base_key(a) == keys.base_key(b)
    groups = dedupe.find_groups(Library(entries=[a, b]))
    assert [g.indexes for g in groups] == [[0, 1]]
