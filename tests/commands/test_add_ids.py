"""Every id form people paste ends up as the same entry (and the same single id on the wire)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.commands.add import normalise
from lcllm_cli.model import entry_to_dict
from tests.arxiv_stub import ArxivStub

FORMS: dict[str, list[str]] = {
    "2402.13753": [
        "2402.13753",
        "2402.13753v2",
        "arXiv:2402.13753",
        "arxiv:2402.13753v1",
        "https://arxiv.org/abs/2402.13753",
        "https://arxiv.org/abs/2402.13753v1",
        "http://arxiv.org/pdf/2402.13753v1.pdf",
        "https://arxiv.org/pdf/2402.13753",
        "https://arxiv.org/pdf/2402.13753v2",
        "https://arxiv.org/html/2402.13753v1",
        "https://export.arxiv.org/abs/2402.13753",
        "https://www.arxiv.org/abs/2402.13753v2",
        "arxiv.org/abs/2402.13753",
        "10.48550/arXiv.2402.13753",
        "https://doi.org/10.48550/arXiv.2402.13753",
        "  2402.13753  ",
        # pages of other sites that show the paper by its id (issue 13: arXiv mirrors are the paper)
        "https://huggingface.co/papers/2402.13753",
        "https://huggingface.co/papers/2402.13753#community",
        "https://www.alphaxiv.org/abs/2402.13753",
        "https://www.alphaxiv.org/overview/2402.13753v2",
        "https://ar5iv.labs.arxiv.org/html/2402.13753",
        "https://ar5iv.org/abs/2402.13753",
        "https://www.semanticscholar.org/arxiv/2402.13753",
        "https://papers.cool/arxiv/2402.13753",
    ],
    "hep-th/9711200": [
        "hep-th/9711200",
        "hep-th/9711200v2",
        "arXiv:hep-th/9711200",
        "https://arxiv.org/abs/hep-th/9711200v1",
        "http://arxiv.org/pdf/hep-th/9711200.pdf",
        "10.48550/arXiv.hep-th/9711200",
    ],
    "math/0309136": ["math.GT/0309136", "math/0309136", "math.GT/0309136v1", "https://arxiv.org/abs/math.GT/0309136"],
    "0704.0001": ["0704.0001", "0704.0001v1", "arXiv:0704.0001", "https://arxiv.org/abs/0704.0001v2"],
    "1501.00001": ["1501.00001", "https://arxiv.org/pdf/1501.00001v3.pdf"],
}
CASES = [(canonical, form) for canonical, forms in FORMS.items() for form in forms]


@pytest.fixture
def stub(arxiv: ArxivStub) -> ArxivStub:
    server = arxiv
    for canonical in FORMS:
        server.set_paper(canonical, version=3)  # latest is v3 whatever version a form names
    return server


def add_one(path: Path, *inputs: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["--file", str(path), "add", *inputs])
    assert result.exit_code == 0, result.output
    return [entry_to_dict(e) for e in store.load(path).entries]


@pytest.mark.parametrize(("canonical", "form"), CASES)
def test_each_form_gives_the_entry_of_the_canonical_id(
    stub: ArxivStub, tmp_path: Path, canonical: str, form: str
) -> None:
    reference = add_one(tmp_path / "reference.toml", canonical)
    got = add_one(tmp_path / "form.toml", form)
    assert got == reference
    assert got[0]["arxiv"] == canonical and got[0]["version"] == 3
    assert stub.id_lists == [[canonical], [canonical]]  # the form itself never goes on the wire


@pytest.mark.parametrize("canonical", list(FORMS))
def test_all_forms_at_once_make_one_entry_and_one_id_on_the_wire(
    stub: ArxivStub, tmp_path: Path, canonical: str
) -> None:
    got = add_one(tmp_path / "entries.toml", *FORMS[canonical])
    assert len(got) == 1 and got[0]["arxiv"] == canonical
    assert stub.id_lists == [[canonical]]


def test_adding_another_form_later_is_already_present(stub: ArxivStub, tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    add_one(path, "2402.13753")
    for form in FORMS["2402.13753"]:
        result = CliRunner().invoke(app, ["--file", str(path), "add", form])
        assert result.exit_code == 0 and "1 already present" in result.stdout, (form, result.output)
    assert len(store.load(path).entries) == 1


# --------------------------------------------------------------------------------------------- properties

new_style = st.builds(
    lambda yy, mm, n: (f"{yy:02d}{mm:02d}", n),
    st.integers(7, 40),
    st.integers(1, 12),
    st.integers(1, 9999),
).filter(lambda t: t[0] >= "0704")


def _canonical(yymm: str, n: int) -> str:
    return f"{yymm}.{n:04d}" if yymm <= "1412" else f"{yymm}.{n:05d}"


WRAPS = [
    "{}",
    "{}v{v}",
    "arXiv:{}",
    "arXiv:{}v{v}",
    "https://arxiv.org/abs/{}v{v}",
    "http://arxiv.org/pdf/{}v{v}.pdf",
    "https://export.arxiv.org/abs/{}",
    "https://www.arxiv.org/html/{}v{v}",
    "10.48550/arXiv.{}",
    "https://doi.org/10.48550/arXiv.{}",
]


@settings(max_examples=200, deadline=None)
@given(new_style, st.lists(st.sampled_from(WRAPS), min_size=1, max_size=6), st.integers(1, 30))
def test_property_forms_of_one_id_normalise_to_one_paper(t: tuple[str, int], wraps: list[str], v: int) -> None:
    canonical = _canonical(*t)
    inputs = [w.format(canonical, v=v) for w in wraps]
    good, bad = normalise(inputs)
    assert bad == []
    assert [aid.id for _, aid in good] == [canonical]
    assert good[0][0] == inputs[0]  # reported under the first form given


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.v/:abcxyz-", max_size=14))
def test_property_malformed_inputs_are_failed_by_name(text: str) -> None:
    good, bad = normalise([text])
    if good:
        assert good[0][1].id  # accepted: a canonical id without version
        assert "v" not in good[0][1].id.rsplit("/", 1)[-1]
    else:
        assert [o.reason for o in bad] == [f"not an arXiv id or URL: {text}"]


def test_from_file_lines_as_lists_and_notes_hold_them(tmp_path: Path) -> None:
    from lcllm_cli.commands.add import read_inputs

    ids = tmp_path / "ids.txt"
    ids.write_text(
        "2511.00006,\n- 2511.00004\n2511.00003 Some title here\n* https://github.com/o/r\n", encoding="utf-8"
    )
    assert read_inputs([], str(ids)) == ["2511.00006", "2511.00004", "2511.00003", "https://github.com/o/r"]
