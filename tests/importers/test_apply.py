"""importers.apply: how an import lands in a list (repeats within the file, items already in the list)."""

from __future__ import annotations

from lcllm_cli.importers import apply
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library


def test_import_dedupe_looks_up_a_merged_item_by_what_the_merge_gave_it() -> None:
    # Two items of the file are one paper (same arXiv id); only the second gives its page, and the list already holds
    # that page as a link. Merged, the item has the page: it is the link already there (keys of the merged entry,
    # not of the first item alone).
    md = (
        "# L\n\n## Papers\n\n"
        "- **Alpha Beta Gamma Delta**, `arXiv, 2401.00001` [arxiv](https://arxiv.org/abs/2401.00001v2)\n"
        "- **Alpha Beta Gamma Delta**, `arXiv, 2401.00001` [arxiv](https://arxiv.org/abs/2401.00001v1)\n"
    )
    result = parse(md)
    result.library.entries[1].url = "https://example.org/alpha"
    target = Library(entries=[Entry(kind="link", title="Alpha page", url="https://example.org/alpha")])
    report = apply.import_into(target, result, dedupe=True)
    assert [p.reason for p in report.already_present] == ["same URL example.org/alpha"]
    assert report.added == []
    assert len(target.entries) == 1 and target.entries[0].arxiv == "2401.00001"  # merged into the link
