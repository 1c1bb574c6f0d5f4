"""Papers by DOI, through DOI content negotiation (CSL-JSON from doi.org, for Crossref, DataCite and mEDRA DOIs
alike), on the one HTTP client. ``LCLLM_DOI_URL`` (default ``https://doi.org``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lcllm_cli.config import env_url
from lcllm_cli.errors import LcllmError, NetworkError
from lcllm_cli.fieldkinds import is_doi
from lcllm_cli.model import Entry
from lcllm_cli.sources.http import HttpClient, get_json

DEFAULT_DOI_URL = "https://doi.org"
SERVICE = "doi.org"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def base_url() -> str:
    return env_url("LCLLM_DOI_URL", DEFAULT_DOI_URL)


@dataclass(slots=True)
class DoiResult:
    papers: dict[str, Entry] = field(default_factory=dict)  # the DOI asked for -> the paper
    records: dict[str, dict[str, object]] = field(default_factory=dict)  # the DOI asked for -> its CSL-JSON
    missing: list[str] = field(default_factory=list)
    error: LcllmError | None = None


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(value.split()) if isinstance(value, str) else ""


def paper_from_csl(data: dict[str, object], doi: str) -> Entry | None:
    """A paper entry from a CSL-JSON record (None without a title)."""
    title = _text(data.get("title"))
    if not title:
        return None
    authors = []
    for person in data.get("author") or []:  # type: ignore[union-attr]
        if not isinstance(person, dict):
            continue
        name = " ".join(p for p in (_text(person.get("given")), _text(person.get("family"))) if p)
        name = name or _text(person.get("literal"))
        if name:
            authors.append(name)
    year = None
    issued = data.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            year = (
                first if isinstance(first, int) else int(first) if isinstance(first, str) and first.isdigit() else None
            )
    found = _text(data.get("DOI"))
    url = _text(data.get("URL"))
    return Entry(
        kind="paper",
        title=title,
        authors=authors,
        venue=_text(data.get("container-title")) or None,
        year=year,
        doi=found if is_doi(found) else doi,
        url=url if url.startswith(("http://", "https://")) else f"https://doi.org/{doi}",
    )


def fetch(dois: list[str], client: HttpClient) -> DoiResult:
    """One request per DOI (cached), several at once; the first failure, in the order given, ends the result with
    what was learned before it."""
    base = base_url()
    result = DoiResult()
    hint = "check LCLLM_DOI_URL (default https://doi.org)"

    def ask(doi: str) -> Any:
        return get_json(
            client,
            f"{base}/{doi}",
            service=SERVICE,
            what=doi,
            cache_key=f"doi:{base}:{doi}",
            headers={"Accept": CSL_JSON},
            not_json=f"{SERVICE} gave no CSL-JSON record for {doi}",
            hint=hint,
        )

    unique = list(dict.fromkeys(dois))
    for doi, data in zip(unique, client.gather(ask, unique), strict=True):
        if isinstance(data, LcllmError):
            result.error = data
            return result
        if data is None:
            result.missing.append(doi)
            continue
        paper = paper_from_csl(data, doi) if isinstance(data, dict) else None
        if paper is None:
            result.error = NetworkError(f"{SERVICE} gave no CSL-JSON record for {doi}", hint=hint)
            return result
        if (paper.doi or "").lower() != doi.lower():
            result.error = NetworkError(
                f"{SERVICE} answered with the record of {paper.doi} when asked for {doi}", hint=hint
            )
            return result
        result.papers[doi] = paper
        result.records[doi] = data
    return result
    return result
