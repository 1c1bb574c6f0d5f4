"""`lcllm export --bibtex`: fields, escaping, citation keys (readable, unique, stored, stable), and the real
programs that read the file (pdflatex + bibtex, biblatex + biber, pandoc --citeproc) when they are installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from typer.testing import CliRunner

from lcllm_cli import keys, latex, store
from lcllm_cli.cli import app
from lcllm_cli.exporters.bibtex import bib_name, entry_fields, render, venue_kind
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library, Link, Publication
from tests.paths import FIXTURES

SEED = FIXTURES / "awesome-long-context-llm.md"
runner = CliRunner()


def seed_library() -> Library:
    return parse(SEED.read_text(encoding="utf-8")).library


def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    store.save(seed_library(), path)
    return path


def longrope() -> Entry:
    return Entry(
        kind="paper",
        title="LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens",
        arxiv="2402.13753",
        version=1,
        authors=["Yiran Ding", "Li Lyna Zhang", "Michiel de Jong"],
        published="2024-02-21T12:00:00Z",
        primary_category="cs.CL",
        venue="arXiv",
        key="ding2024longrope",
    )


def export(path: Path, *args: str) -> str:
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


# --------------------------------------------------------------------------------------------- fields


def test_arxiv_paper_fields() -> None:
    text = render([longrope()]).text
    assert text == (
        "@misc{ding2024longrope,\n"
        "  author = {Ding, Yiran and Zhang, Li Lyna and de Jong, Michiel},\n"
        "  title = {{LongRoPE}: Extending {LLM} Context Window Beyond 2 Million Tokens},\n"
        "  year = {2024},\n"
        "  month = feb,\n"
        "  eprint = {2402.13753},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  url = {https://arxiv.org/abs/2402.13753v1}\n"
        "}\n"
    )


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("Transactions of the ACL", "article"),  # a journal, though "ACL" names a conference too
        ("TACL 2024", "article"),
        ("Journal of Machine Learning Research", "article"),
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "article"),
        ("ACL 2024", "inproceedings"),
        ("Findings of EMNLP 2023", "inproceedings"),
        ("Proceedings of the 41st International Conference on Machine Learning", "inproceedings"),
        ("Nature", "article"),
        ("arXiv", None),
        ("Some Lab Report", None),
        # the venue table (lcllm_cli.venues) first: long names it knows, preprint servers, submissions not accepted
        ("Computer Vision and Pattern Recognition", "inproceedings"),
        ("Uncertainty in Artificial Intelligence", "inproceedings"),
        ("Empirical Methods in Natural Language Processing", "inproceedings"),
        ("Submitted to ICLR 2025", None),
        ("ICLR 2025 Conference Withdrawn Submission", None),
        ("bioRxiv", None),
        ("ICLR 2024 Workshop ME-FoMo", "inproceedings"),
    ],
)
def test_venue_kind_of_a_published_venue(venue: str, kind: str | None) -> None:
    assert venue_kind(venue) == kind


def test_published_venue_types() -> None:
    conf = longrope()
    conf.venue = "ICLR 2024"
    btype, fields = entry_fields(conf)
    assert btype == "inproceedings" and ("booktitle", "{ICLR 2024}") in fields
    journal = longrope()
    journal.venue, journal.doi = "Transactions on Machine Learning Research", "10.1000/x_y"
    btype, fields = entry_fields(journal)
    assert btype == "article" and ("journal", "{Transactions on Machine Learning Research}") in fields
    assert ("doi", "{10.1000/x_y}") in fields  # never escaped
    ref = longrope()
    ref.journal_ref = "Phys. Rev. D 76, 013009 (2007)"
    assert entry_fields(ref)[0] == "article"
    assert entry_fields(longrope())[0] == "misc"


def test_elided_authors_and_names() -> None:
    e = longrope()
    e.authors_elided = True
    assert dict(entry_fields(e)[1])["author"].endswith(" and others}")
    assert bib_name("Yiran Ding") == "Ding, Yiran"
    assert bib_name("Ludwig van der Berg") == "van der Berg, Ludwig"
    assert bib_name("Martin Luther King Jr.") == "King, Jr., Martin Luther"
    assert bib_name("Ding, Yiran") == "Ding, Yiran"
    assert bib_name("Google") == "Google"
    assert bib_name("Research and Development Team") == "{Research and Development Team}"


def test_projects_and_links_are_misc_with_howpublished_url_and_note() -> None:
    project = Entry(
        kind="project",
        title="long_llama",
        url="https://github.com/cstankonrad/long_llama",
        owner="cstankonrad",
        description="LongLLaMA is 100% fine-tuned",
        key="cstankonradlongllama",
    )
    link = Entry(kind="link", title="Attention? Attention! | Lil'Log", url="https://x.io/a_b#c%20d", key="x")
    text = render([project, link]).text
    assert "@misc{cstankonradlongllama,\n  author = {{cstankonrad}},\n  title = {{long\\_llama}},\n" in text
    assert "  howpublished = {\\url{https://github.com/cstankonrad/long_llama}},\n  note = {GitHub repository}" in text
    assert "  abstract = {LongLLaMA is 100\\% fine-tuned}" in text
    assert "howpublished = {\\url{https://x.io/a_b\\#c\\%20d}},\n  note = {Web page}," in text
    assert "key = {Attention? Attention! | Lil'Log}" in text  # plain.bst sorts entries without author by key


# --------------------------------------------------------------------------------------------- escaping


def test_escaping_of_text_fields() -> None:
    assert latex.escape("A & B 100% #1 a_b {x} ~ ^ \\ $5") == (
        "A \\& B 100\\% \\#1 a\\_b \\textbraceleft{}x\\textbraceright{} \\textasciitilde{} \\textasciicircum{} "
        "\\textbackslash{} \\$5"
    )
    e = Entry(kind="paper", title="$\\infty$Bench: 100K & GPT-4", arxiv="2402.13718", key="k")
    assert dict(entry_fields(e)[1])["title"] == "{$\\infty$Bench: {100K} \\& {GPT-4}}"
    url_paper = Entry(kind="paper", title="T", url="https://x.org/a_b%20c?d=1&e=2", key="k2", authors=["A B"])
    assert dict(entry_fields(url_paper)[1])["url"] == "{https://x.org/a_b%20c?d=1&e=2}"
    old = Entry(kind="paper", title="T", arxiv="hep-th/9711200", key="k3")
    assert dict(entry_fields(old)[1])["eprint"] == "{hep-th/9711200}"


def test_unicode_kept_by_default_and_accents_with_ascii() -> None:
    e = Entry(kind="paper", title="Über Naïve Æsthetics", authors=["Piotr Miłoś", "José Müller"], key="k")
    plain = dict(entry_fields(e)[1])
    assert plain["author"] == "{Miłoś, Piotr and Müller, José}"
    ascii_fields = dict(entry_fields(e, ascii=True)[1])
    assert ascii_fields["author"] == "{Mi{\\l}o{\\'s}, Piotr and M{\\\"u}ller, Jos{\\'e}}"
    assert ascii_fields["title"] == '{{\\"U}ber Na{\\"\\i}ve {\\AE}sthetics}'
    assert latex.unescape(ascii_fields["title"][1:-1]) == "Über Naïve Æsthetics"
    lost: list[str] = []
    assert latex.escape("一句 ok", ascii=True, lost=lost) == "?? ok" and lost == ["一", "句"]


# --------------------------------------------------------------------------------------------- keys


def test_key_shape() -> None:
    assert keys.base_key(longrope()) == "ding2024longrope"
    inf = Entry(kind="paper", title="$\\infty$Bench: Extending", arxiv="2402.13718", authors=["Xinrong Zhang"])
    assert keys.base_key(inf) == "zhang2024bench"
    old = Entry(kind="paper", title="The Large N Limit", arxiv="hep-th/9711200", authors=["Juan Maldacena"])
    assert keys.base_key(old) == "maldacena1997large"
    nobody = Entry(kind="paper", title="!!!", arxiv="hep-th/9711200")
    assert keys.base_key(nobody) == "x1997"  # a key starts with a letter; never a '/' from the id
    assert keys.base_key(Entry(kind="paper", title="Mikołaj", authors=["Piotr Miłoś"], year=2023)) == "milos2023mikolaj"
    project = Entry(
        kind="project", title="long_llama", url="https://github.com/cstankonrad/long_llama", owner="cstankonrad"
    )
    assert keys.base_key(project) == "cstankonradlongllama"


def test_clashes_get_letters_and_keys_are_valid() -> None:
    lib = Library(entries=[longrope(), longrope(), longrope(), longrope()])
    for e in lib.entries[1:]:
        e.key = None
    lib.entries[3].key = "bad key/with slash"
    assigned = keys.assign_keys(lib)
    assert [e.key for e in lib.entries] == [
        "ding2024longrope",
        "ding2024longropea",
        "ding2024longropeb",
        "ding2024longropec",
    ]
    assert assigned == [(1, "ding2024longropea"), (2, "ding2024longropeb"), (3, "ding2024longropec")]
    seed = seed_library()
    keys.assign_keys(seed)
    all_keys = [e.key for e in seed.entries]
    assert len(set(all_keys)) == len(all_keys)
    assert all(k is not None and keys.VALID_KEY.match(k) and k.isascii() and k == k.lower() for k in all_keys)


def exported_keys(path: Path) -> dict[str, str]:
    """ident -> citation key, as ``lcllm export --bibtex`` writes them (the .bib's keys, in list order)."""
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert result.exit_code == 0, result.output
    keys_in_bib = [e.key for e in bibtexparser.parse_string(result.stdout).entries]
    return dict(zip([e.ident for e in store.load(path).entries], keys_in_bib, strict=True))


def test_export_never_writes_the_list_and_the_next_change_stores_the_same_keys(tmp_path: Path) -> None:
    path = seed_file(tmp_path)  # a list from before keys were stored with every entry
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert result.exit_code == 0
    assert "61 entries have no citation key" in result.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # export only reads
    again = runner.invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert again.exit_code == 0 and again.stdout == result.stdout  # deterministic
    shown = exported_keys(path)
    assert shown["2402.13753"] == "ding2024longrope"
    with store.edit(path) as lib:  # any change to the list stores every entry's key
        lib.title = "Changed"
    assert {e.ident: e.key for e in store.load(path).entries} == shown
    quiet = runner.invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert "citation key" not in quiet.stderr


def test_key_stability_when_papers_are_added(tmp_path: Path) -> None:
    path = seed_file(tmp_path)
    first = exported_keys(path)
    with store.edit(path) as lib:
        # an unrelated paper, and one whose natural key clashes with an existing one, added at the top of a section
        lib.add_entry(
            Entry(kind="paper", title="Unrelated Work", arxiv="2501.00001", authors=["Zed Q"], section="Survey")
        )
        clash = Entry(kind="paper", title="LongRoPE Two", arxiv="2402.99999", authors=["Yi Ding"], section="Papers")
        lib.entries.insert(0, clash)
    after = {e.ident: e.key for e in store.load(path).entries}
    assert {k: after[k] for k in first} == first  # no key the export showed changed
    assert after["2501.00001"] == "q2025unrelated"
    assert after["2402.99999"] == "ding2024longropea"
    assert exported_keys(path) == after


def test_kind_paper_and_output_file(tmp_path: Path) -> None:
    path = seed_file(tmp_path)
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex", "--kind", "paper", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote 47 entries to {out}" in result.stderr
    bib = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert len(bib.entries) == 47 and {e.entry_type for e in bib.entries} == {"misc"}
    assert not list(tmp_path.glob(".refs.bib.*"))  # the atomic write left no temporary file
    stored = store.load(path)
    assert all(e.key is None for e in stored.entries if e.kind != "paper")  # keys only for what was exported


def test_ascii_reports_what_it_cannot_write(tmp_path: Path) -> None:
    path = seed_file(tmp_path)
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex", "--ascii"])
    assert result.exit_code == 0
    assert result.stdout.isascii()
    assert "Tworkowski, Szymon and Staniszewski, Konrad and Pacek, Miko{\\l}aj" in result.stdout
    assert result.stderr.count("classic BibTeX cannot write") == 2  # the two Chinese titles


# --------------------------------------------------------------------------------------------- readers


def test_bibtexparser_reads_back_every_field_as_written() -> None:
    lib = seed_library()
    keys.assign_keys(lib)
    text = render(lib.entries).text
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == []
    assert [e.key for e in parsed.entries] == [e.key for e in lib.entries]
    for entry, bentry in zip(lib.entries, parsed.entries, strict=True):
        btype, written = entry_fields(entry)
        assert bentry.entry_type == btype
        got = [(f.key, f.value) for f in bentry.fields]
        want = [(k, v[1:-1] if v.startswith("{") else v) for k, v in written]
        assert got == want, entry.key


def _seed_bib(tmp_path: Path, *args: str) -> Path:
    path = seed_file(tmp_path)
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _latex_problems(log: str) -> list[str]:
    return [ln for ln in log.splitlines() if ln.startswith("!") or ("Warning" in ln and "Font" not in ln)]


@pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("bibtex") is None, reason="pdflatex/bibtex not installed"
)
def test_pdflatex_and_bibtex_compile_the_shipped_list(tmp_path: Path) -> None:
    _seed_bib(tmp_path, "--ascii")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n\\nocite{*}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex_cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex_cmd, tmp_path)
    bib = _run(["bibtex", "doc"], tmp_path)
    assert "Warning" not in bib.stdout and "error" not in bib.stdout.lower(), bib.stdout
    _run(latex_cmd, tmp_path)
    _run(latex_cmd, tmp_path)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert _latex_problems(log) == []
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == 61


@pytest.mark.skipif(
    shutil.which("biber") is None or shutil.which("pdflatex") is None, reason="biber/pdflatex not installed"
)
@pytest.mark.parametrize("variant", ["ascii", "unicode-papers"])
def test_biblatex_and_biber_compile_the_shipped_list(tmp_path: Path, variant: str) -> None:
    # pdflatex cannot typeset Chinese without CJK packages: the Unicode variant exports the papers, whose
    # non-ASCII letters (ł, ś) pdflatex does know; the ASCII variant exports everything.
    _seed_bib(tmp_path, *(["--ascii"] if variant == "ascii" else ["--kind", "paper"]))
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex_cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex_cmd, tmp_path)
    _run(["biber", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8")
    assert [ln for ln in blg.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    _run(latex_cmd, tmp_path)
    _run(latex_cmd, tmp_path)  # biblatex settles its labels on the second run after biber
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert _latex_problems(log) == []


@pytest.mark.skipif(
    shutil.which("biber") is None or shutil.which("lualatex") is None, reason="biber/lualatex not installed"
)
def test_biber_reads_the_unicode_export_of_the_shipped_list(tmp_path: Path) -> None:
    _seed_bib(tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex_cmd = ["lualatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex_cmd, tmp_path)
    _run(["biber", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8")
    assert [ln for ln in blg.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\entry{") == 61
    _run(latex_cmd, tmp_path)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert [ln for ln in log.splitlines() if ln.startswith("!")] == []


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_citeproc_reads_the_shipped_list(tmp_path: Path) -> None:
    _seed_bib(tmp_path)
    (tmp_path / "doc.md").write_text("---\nnocite: |\n  @*\n---\n", encoding="utf-8")
    proc = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.bib", "doc.md", "-t", "plain", "--wrap=none"], tmp_path
    )
    assert proc.stderr == ""
    assert "“LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens.”" in proc.stdout
    assert "∞Bench" in proc.stdout
    refs = _run(["pandoc", "refs.bib", "-f", "bibtex", "-t", "csljson"], tmp_path)
    assert len(json.loads(refs.stdout)) == 61


def test_links_with_github_urls_get_no_special_fields() -> None:
    e = Entry(kind="paper", title="T", arxiv="2402.13753", key="k", links=[Link("code", "https://github.com/o/r")])
    assert "github" not in render([e]).text  # extra links are Markdown-only; BibTeX cites the paper


def test_a_comma_inside_math_in_a_name_is_not_a_last_first_split() -> None:
    e = Entry(kind="paper", title="T", arxiv="2402.13753", authors=["$\\,a$", "B C"], key="k")
    assert dict(entry_fields(e)[1])["author"] == "{{$\\,a$} and C, B}"


def test_lone_braces_cannot_end_a_field_and_math_cannot_hold_commands() -> None:
    assert latex.escape("a } b {") == "a \\textbraceright{} b \\textbraceleft{}"
    assert latex.unescape(latex.escape("a } b {")) == "a } b {"
    assert latex.escape("$\\infty$ and $\\alpha_1$") == "$\\infty$ and $\\alpha_1$"  # math kept
    assert latex.escape("$\\input{x}$") == "\\$\\textbackslash{}input\\textbraceleft{}x\\textbraceright{}\\$"
    assert latex.escape("nul\x00 esc\x1b[2J") == "nul esc[2J"


def test_math_with_a_space_in_a_name_stays_one_name() -> None:
    e = Entry(kind="paper", title="T", arxiv="2402.13753", authors=["$\\ a$", "B C"], key="k")
    assert dict(entry_fields(e)[1])["author"] == "{{$\\ a$} and C, B}"


def test_a_title_without_printable_characters_falls_back_to_the_id() -> None:
    e = Entry(kind="paper", title="\x1b\x00", arxiv="2402.13753", authors=["A B"], key="k")
    assert dict(entry_fields(e)[1])["title"] == "{2402.13753}"
    assert latex.title_of("  a\x00 b ", "x") == "a b"


def test_a_key_for_an_entry_with_a_broken_url_host_is_still_made() -> None:
    from lcllm_cli.keys import base_key

    e = Entry(kind="link", title="Broken host", url="https://[::1/x")
    assert base_key(e) and "/" not in base_key(e)


def test_render_refuses_a_repeated_citation_key() -> None:
    from lcllm_cli.exporters.bibtex import render as render_bib

    a = Entry(kind="paper", title="One", key="same")
    b = Entry(kind="paper", title="Two", key="same")
    with pytest.raises(ValueError, match="same"):
        render_bib([a, b])


# --------------------------------------------------------------------------------------------- published versions


def published_papers() -> list[Entry]:
    """A conference paper, a journal paper and a venue of unknown kind, each with its preprint, as enrich stores
    them; and a plain preprint."""
    conf = longrope()
    conf.venue = "ICLR 2024"
    conf.publication = Publication(
        "ICLR", "Semantic Scholar", type="conference", year=2024, evidence="arXiv 2402.13753", date="2026-12-02"
    )
    journal = Entry(
        kind="paper",
        title="Lost in the Middle: How Language Models Use Long Contexts",
        arxiv="2307.03172",
        version=3,
        authors=["Nelson F. Liu", "Kevin Lin"],
        published="2023-07-06",
        venue="TACL 2024",
        publication=Publication(
            "TACL",
            "Semantic Scholar",
            type="journal",
            year=2024,
            doi="10.1162/tacl_a_00638",
            volume="12",
            pages="157-173",
        ),
        key="liu2023lost",
        fields={"pages": "1--2", "publisher": "MIT Press"},  # an imported .bib's pages: the publication's win
    )
    odd = Entry(
        kind="paper",
        title="A Paper at a Venue of Unknown Kind",
        arxiv="2401.00001",
        authors=["Ann Author"],
        venue="Some Gathering 2024",
        publication=Publication("Some Gathering", "OpenReview", year=2024),
        key="author2024paper",
    )
    plain = Entry(
        kind="paper", title="Only a Preprint", arxiv="2401.00002", authors=["Bo Author"], key="author2024only"
    )
    return [conf, journal, odd, plain]


def test_a_published_version_is_inproceedings_or_article_and_keeps_the_eprint() -> None:
    conf, journal, odd, plain = published_papers()
    btype, fields = entry_fields(conf)
    assert btype == "inproceedings"
    got = dict(fields)
    assert got["booktitle"] == "{ICLR}" and got["year"] == "{2024}"
    assert (got["eprint"], got["archivePrefix"], got["url"]) == (
        "{2402.13753}",
        "{arXiv}",
        "{https://arxiv.org/abs/2402.13753v1}",
    )
    btype, fields = entry_fields(journal)
    got = dict(fields)
    assert btype == "article"
    assert (got["journal"], got["volume"], got["pages"], got["year"]) == ("{TACL}", "{12}", "{157--173}", "{2024}")
    assert got["doi"] == "{10.1162/tacl_a_00638}" and got["eprint"] == "{2307.03172}"
    assert got["publisher"] == "{MIT Press}" and [name for name, _ in fields].count("pages") == 1
    btype, fields = entry_fields(odd)
    assert btype == "misc" and dict(fields)["howpublished"] == "{Some Gathering}"
    assert entry_fields(plain)[0] == "misc"


def _published_bib(tmp_path: Path) -> None:
    lib = Library(title="Published")
    lib.add_entries(published_papers())
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    result = runner.invoke(app, ["--file", str(path), "export", "--bibtex", "-o", str(tmp_path / "refs.bib")])
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("bibtex") is None, reason="pdflatex/bibtex not installed"
)
def test_pdflatex_and_bibtex_compile_published_versions_without_warnings(tmp_path: Path) -> None:
    _published_bib(tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n\\nocite{*}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex_cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex_cmd, tmp_path)
    bib = _run(["bibtex", "doc"], tmp_path)
    assert "Warning" not in bib.stdout and "error" not in bib.stdout.lower(), bib.stdout
    _run(latex_cmd, tmp_path)
    _run(latex_cmd, tmp_path)
    assert _latex_problems((tmp_path / "doc.log").read_text(encoding="latin-1")) == []
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == 4
    assert "\\newblock In {\\em ICLR}, 2024." in bbl  # plain.bst's inproceedings: the booktitle and the year
    assert "\\newblock {\\em TACL}, 12:157--173, 2024." in bbl  # its article: journal, volume, pages, year


@pytest.mark.skipif(
    shutil.which("biber") is None or shutil.which("pdflatex") is None, reason="biber/pdflatex not installed"
)
def test_biblatex_and_biber_compile_published_versions_without_warnings(tmp_path: Path) -> None:
    _published_bib(tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex_cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex_cmd, tmp_path)
    _run(["biber", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8")
    assert [ln for ln in blg.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    _run(latex_cmd, tmp_path)
    _run(latex_cmd, tmp_path)
    assert _latex_problems((tmp_path / "doc.log").read_text(encoding="latin-1")) == []
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "\\entry{ding2024longrope}{inproceedings}" in bbl and "\\entry{liu2023lost}{article}" in bbl
    assert "\\verb{eprint}\n      \\verb 2307.03172\n" in bbl and "\\field{booktitle}{ICLR}" in bbl
