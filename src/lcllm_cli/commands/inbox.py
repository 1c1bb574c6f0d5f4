"""``lcllm inbox``: the new papers this list should consider, ranked, without what it holds or has turned down.

Three sources, each optional and each failing alone (a failure is named in the report; the others still answer):

* arXiv's search API (:func:`lcllm_cli.sources.arxiv.search`): one request per section, the section's ``query``
  (and ``categories``) from ``entries.toml``, or a query derived from the distinctive words of its titles
  (:func:`derive_query`), limited to the days asked for, newest first;
* Hugging Face daily papers (:func:`lcllm_cli.sources.hf.daily_papers`): one request per day; a day without any
  (a weekend, a holiday) is empty, not an error;
* Semantic Scholar recommendations (:func:`lcllm_cli.sources.s2recs.recommend`): one request per section, seeded
  with the section's papers (positive) and the curator's rejections (negative).

Every candidate is checked against the list with :class:`lcllm_cli.dedupe.DuplicateIndex` (arXiv id in any version,
DOI, title), and against the rejections (the same detection, on the rejected papers). The ranking adds up signals,
each kept in the report (``--json``): a match of a section's arXiv query (1), a Semantic Scholar recommendation
(1 for the first, down to 0.5 for the last), title words the section's titles use (up to 0.5), Hugging Face upvotes
(up to 1 at 100 upvotes); ties are broken by date, newest first. A candidate goes to the section it scores best in.

Answers are cached by the run's :class:`~lcllm_cli.sources.http.HttpClient` with the TTL rules of ``refresh``
(``--ttl``, ``LCLLM_CACHE_TTL``, ``--offline``), so a second run the same morning asks nothing. The ranked listing is
kept in the user cache (:func:`listing_path`), so ``--add N`` and ``--reject N`` name what was shown.

Rejections live in a file beside the list (:func:`rejections_path`, ``entries.rejected.toml`` for ``entries.toml``);
docs/entries-toml.md says why.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lcllm_cli.errors import LcllmError, UsageError
from lcllm_cli.model import Entry, Library, Section

if TYPE_CHECKING:
    from lcllm_cli.sources.arxiv import ArxivConfig
    from lcllm_cli.sources.http import HttpConfig

SOURCES = ("arxiv", "hf", "s2")
SOURCE_NAMES = {"arxiv": "arXiv search", "hf": "Hugging Face daily papers", "s2": "Semantic Scholar recommendations"}
SEARCH_RESULTS = 100  # papers asked of arXiv per section
RECOMMENDATIONS = 100  # papers asked of Semantic Scholar per section
QUERY_WORDS = 3  # phrases in a derived query
PROFILE_WORDS = 15  # distinctive words of a section that its candidates' titles are compared with
MAX_DAYS = 31  # the longest --since: one Hugging Face request a day
# The default --since: arXiv announces a day's submissions the next evening (US Eastern) and its search index can
# lag a day behind that, so a morning's inbox looks two days back to see everything announced since the last one.
DEFAULT_DAYS_BACK = 2

# Words too common in paper titles to tell one section of a list from another (nor a list from arXiv).
_STOP = """a an and are as at based be beyond by can do does for from how in into is it its large language model models
    llm llms learning neural network networks new of on or our study survey than that the their them this through
    to towards toward using via vs we what when which while with without you your approach method methods via
    paper improving improved analysis"""
STOP_WORDS = frozenset(_STOP.split())


# --------------------------------------------------------------------------------------------- dates


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def parse_day(text: str, today: dt.date, what: str = "--since") -> dt.date:
    """A date from ``YYYY-MM-DD``, ``today``, ``yesterday``, or a span back from ``today``: ``2d``, ``1w``."""
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    m = re.fullmatch(r"(\d{1,3})\s*([dw])", value)
    if m:
        return today - dt.timedelta(days=int(m[1]) * (7 if m[2] == "w" else 1))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{what} takes a date (YYYY-MM-DD) or a span back from today (2d, 1w), not {text!r}",
            hint=f"e.g. {what} 2d or {what} {today.isoformat()}",
        ) from None


# --------------------------------------------------------------------------------------------- rejections


@dataclass(slots=True)
class Rejection:
    """A paper the curator turned down: never a candidate again, and a negative seed for Semantic Scholar."""

    ident: str  # arXiv id, else DOI
    title: str = ""
    section: str | None = None
    date: str | None = None  # when it was rejected

    @property
    def arxiv(self) -> str | None:
        from lcllm_cli.ids import try_parse_arxiv_id

        parsed = try_parse_arxiv_id(self.ident) if not self.ident.startswith("10.") else None
        return parsed.id if parsed else None

    def entry(self) -> Entry:
        arxiv = self.arxiv
        return Entry(kind="paper", title=self.title, arxiv=arxiv, doi=None if arxiv else self.ident)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.ident, "title": self.title, "section": self.section, "date": self.date}


REJECTIONS_HEADER = (
    "# Papers the curators turned down in `lcllm inbox --reject`: they are never offered again, and they steer\n"
    "# Semantic Scholar's recommendations away. Kept beside the list, in the repository. Written by lcllm.\n"
)


def rejections_path(path: Path) -> Path:
    """The rejections file of the list at ``path``: ``entries.rejected.toml`` beside ``entries.toml``."""
    stem = path.name[: -len(".toml")] if path.name.endswith(".toml") else path.name
    return path.with_name(f"{stem}.rejected.toml")


def load_rejections(path: Path) -> list[Rejection]:
    """The rejections of the list at ``path`` (none when the file does not exist). Raises :class:`StoreError`."""
    import tomllib

    from lcllm_cli.errors import StoreError

    where = rejections_path(path)
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {where}: {exc}", hint="fix or remove the file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"{where} is not valid TOML: {exc}", hint="fix the file by hand") from None
    out: list[Rejection] = []
    items = data.get("rejected", [])
    if not isinstance(items, list) or set(data) - {"rejected"}:
        raise StoreError(f"{where}: expected [[rejected]] tables only", hint="fix the file by hand")
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
            raise StoreError(f"{where}: rejection #{i} needs an id", hint="fix the file by hand")
        texts = {k: item.get(k) if isinstance(item.get(k), str) else None for k in ("title", "section", "date")}
        out.append(Rejection(item["id"].strip(), texts["title"] or "", texts["section"], texts["date"]))
    return out


def dump_rejections(rejections: Iterable[Rejection]) -> str:
    """The rejections file's text: one table per paper, sorted by id (so a new rejection is a one-hunk diff)."""
    from lcllm_cli.store import toml_str

    parts = [REJECTIONS_HEADER.rstrip("\n")]
    for r in sorted(rejections, key=lambda r: r.ident):
        parts += ["", "[[rejected]]", f"id = {toml_str(r.ident)}"]
        if r.title:
            parts.append(f"title = {toml_str(r.title)}")
        if r.section:
            parts.append(f"section = {toml_str(r.section)}")
        if r.date:
            parts.append(f"date = {toml_str(r.date)}")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------- queries


def _words(title: str) -> list[str]:
    from lcllm_cli.dedupe import title_tokens

    return [w for w in title_tokens(title) if w.isalpha() or any(c.isalpha() for c in w)]


def _phrases(title: str) -> set[str]:
    """A title's distinct content words and two-word phrases (neither end a stop word)."""
    words = _words(title)
    out = {w for w in words if w not in STOP_WORDS and len(w) >= 2}
    for a, b in itertools.pairwise(words):
        if a not in STOP_WORDS and b not in STOP_WORDS and len(a) >= 2 and len(b) >= 2:
            out.add(f"{a} {b}")
    return out


@dataclass(slots=True)
class Profile:
    """What tells a section's papers apart: phrases weighted by how many of its titles use them and how few
    titles of the other sections do."""

    weights: dict[str, float] = field(default_factory=dict)

    def top(self, n: int) -> list[str]:
        return [p for p, _ in sorted(self.weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def profiles(lib: Library) -> dict[str, Profile]:
    """Each section's :class:`Profile`, from the titles of its papers."""
    titles: dict[str, list[set[str]]] = {}
    everywhere: Counter[str] = Counter()
    for e in lib.entries:
        if e.kind == "paper":
            phrases = _phrases(e.title)
            titles.setdefault(e.section, []).append(phrases)
            everywhere.update(phrases)
    total = sum(len(v) for v in titles.values())
    out: dict[str, Profile] = {}
    for name, sets in titles.items():
        here: Counter[str] = Counter()
        for s in sets:
            here.update(s)
        weights: dict[str, float] = {}
        for phrase, n in here.items():
            if n < 2 and len(sets) > 2:
                continue  # one title's word says nothing about a section
            elsewhere = everywhere[phrase] - n
            idf = math.log((total + 1) / (n + elsewhere + 1)) + 1
            bonus = 1.5 if " " in phrase else 1.0  # "long context" says more than "long" and "context"
            weights[phrase] = n * idf * bonus * (n / (n + elsewhere))
        out[name] = Profile(dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:PROFILE_WORDS]))
    return out


def derive_query(profile: Profile) -> str | None:
    """An arXiv query from a section's most distinctive phrases: ``ti:"x y" OR abs:"x y" OR ti:z``; None when the
    section's titles have no distinctive words."""
    chosen: list[str] = []
    ranked = profile.top(PROFILE_WORDS)
    in_phrases = {w for p in ranked if " " in p for w in p.split()}
    for phrase in ranked:
        if " " not in phrase and phrase in in_phrases:
            continue  # "context" says less than "long context" or "context window", which are in the running
        chosen.append(phrase)
        if len(chosen) == QUERY_WORDS:
            break
    if not chosen:
        return None
    terms = []
    for phrase in chosen:
        terms.append(f'ti:"{phrase}" OR abs:"{phrase}"' if " " in phrase else f"ti:{phrase}")
    return " OR ".join(terms)


@dataclass(slots=True)
class Plan:
    """What the inbox asks for one section."""

    section: str
    papers: int
    query: str | None = None
    derived: bool = False  # the query comes from the titles, not from entries.toml
    categories: list[str] = field(default_factory=list)
    positives: list[str] = field(default_factory=list)  # Semantic Scholar ids of the section's papers
    profile: Profile = field(default_factory=Profile)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "papers": self.papers,
            "query": self.query,
            "query_from": None if self.query is None else ("titles" if self.derived else "entries.toml"),
            "categories": self.categories,
            "seeds": len(self.positives),
            "profile": self.profile.top(PROFILE_WORDS),
        }


def plans(lib: Library, only: str | None = None) -> list[Plan]:
    """One :class:`Plan` per section with papers or a query of its own (or just ``only``)."""
    from lcllm_cli.sources.s2recs import MAX_SEEDS

    profs = profiles(lib)
    out: list[Plan] = []
    for sec in lib.sections:
        if only is not None and sec.name != only:
            continue
        papers = [e for e in lib.entries if e.kind == "paper" and e.section == sec.name]
        if not papers and not sec.query:
            continue
        prof = profs.get(sec.name, Profile())
        query, derived = (sec.query, False) if sec.query else (derive_query(prof), True)
        newest = sorted(papers, key=lambda e: (e.published or "", e.arxiv or ""), reverse=True)
        seeds = [f"ARXIV:{e.arxiv}" if e.arxiv else f"DOI:{e.doi}" for e in newest if e.arxiv or e.doi]
        out.append(
            Plan(
                sec.name,
                len(papers),
                query,
                derived and query is not None,
                list(sec.categories),
                seeds[:MAX_SEEDS],
                prof,
            )
        )
    return out


def _section_of(lib: Library, wanted: str) -> Section:
    from lcllm_cli.commands.section import resolve

    key = resolve(lib, wanted)  # an unknown name is an error naming the closest sections
    for sec in lib.sections:
        if sec.name == key:
            return sec
    from lcllm_cli.errors import NotFoundError

    raise NotFoundError(
        f"no section {wanted!r} in the list", hint="sections: " + ", ".join(repr(s) for s in lib.section_names()[:10])
    )


# --------------------------------------------------------------------------------------------- candidates


@dataclass(slots=True)
class Candidate:
    """A new paper the list might take, with every signal that ranked it."""

    ident: str  # arXiv id, else DOI: what `--add` passes to `add`
    title: str
    arxiv: str | None = None
    doi: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # when it became news: submitted to arXiv, featured on the Hub, published
    categories: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)  # sections whose arXiv query found it
    recommended: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # section -> (rank, of, seeds)
    upvotes: int | None = None  # Hugging Face
    hf_date: str | None = None
    words: dict[str, list[str]] = field(default_factory=dict)  # section -> phrases its titles share
    scores: dict[str, float] = field(default_factory=dict)  # section -> score there
    section: str | None = None
    score: float = 0.0
    number: int = 0

    def entry(self) -> Entry:
        return Entry(kind="paper", title=self.title, arxiv=self.arxiv, doi=self.doi, authors=list(self.authors))

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""

    def why(self) -> list[str]:
        """The reasons, strongest first, in words."""
        out: list[str] = []
        sec = self.section
        if sec in self.queries:
            out.append(f"matches the arXiv query of {sec}")
        if sec in self.recommended:
            rank, of, seeds = self.recommended[sec]
            out.append(f"recommended from {seeds} papers of {sec} (#{rank + 1} of {of})")
        if self.upvotes is not None:
            out.append(f"Hugging Face daily papers, {self.upvotes} upvotes")
        elif "hf" in self.sources:
            out.append("Hugging Face daily papers")
        if sec is not None and self.words.get(sec):
            shared = self.words[sec]
            parts = {w for p in shared if " " in p for w in p.split()}
            told = [w for w in shared if " " in w or w not in parts][:3]  # not "kv" beside "kv cache"
            out.append(f"title shares {', '.join(repr(w) for w in told)} with {sec}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "id": self.ident,
            "arxiv": self.arxiv,
            "doi": self.doi,
            "title": self.title,
            "authors": self.authors,
            "date": self.date,
            "section": self.section,
            "score": round(self.score, 4),
            "why": self.why(),
            "signals": {
                "sources": self.sources,
                "arxiv_query": self.queries,
                "s2_recommended": {
                    s: {"rank": r + 1, "of": n, "seeds": seeds} for s, (r, n, seeds) in self.recommended.items()
                },
                "hf_upvotes": self.upvotes,
                "hf_date": self.hf_date,
                "title_words": self.words,
                "section_scores": {s: round(v, 4) for s, v in self.scores.items()},
            },
        }


def upvote_score(upvotes: int | None) -> float:
    return 0.0 if not upvotes else min(1.0, math.log10(1 + upvotes) / 2)


def word_score(words: list[str], profile: Profile) -> float:
    """Up to 0.5: the weight of the section's phrases a title shares, over that of its three strongest."""
    if not words or not profile.weights:
        return 0.0
    best = sum(sorted(profile.weights.values(), reverse=True)[:3])
    return 0.5 * min(1.0, sum(profile.weights[w] for w in words) / best) if best else 0.0


def score(c: Candidate, plan_of: dict[str, Plan]) -> None:
    """Each section's score and the best one (list order breaks a tie), plus the Hub's upvotes."""
    for name, plan in plan_of.items():
        shared = sorted(_phrases(c.title) & set(plan.profile.weights), key=lambda w: -plan.profile.weights[w])
        if shared:
            c.words[name] = shared
        s = 1.0 if name in c.queries else 0.0
        if name in c.recommended:
            rank, of, _ = c.recommended[name]
            s += 1.0 - 0.5 * rank / max(1, of)
        s += word_score(shared, plan.profile)
        if s > 0:
            c.scores[name] = s
    if c.scores:
        c.section = max(c.scores, key=lambda k: c.scores[k])  # max keeps the first of equals: list order
    c.score = c.scores.get(c.section or "", 0.0) + upvote_score(c.upvotes)


# --------------------------------------------------------------------------------------------- the report


@dataclass(slots=True)
class SourceRun:
    name: str  # arxiv, hf, s2
    requests: int = 0
    cache_hits: int = 0
    asked: int = 0  # requests it needed (sent or answered from the cache)
    found: int = 0  # papers it answered, before any filtering
    skipped: list[str] = field(default_factory=list)  # why a section was not asked
    error: LcllmError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.name,
            "name": SOURCE_NAMES[self.name],
            "asked": self.asked,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "found": self.found,
            "skipped": self.skipped,
            "error": None if self.error is None else {"message": self.error.message, "hint": self.error.hint},
        }


@dataclass(slots=True)
class Decision:
    ident: str
    action: str  # "added", "already present", "failed", "rejected", "already rejected"
    section: str | None = None
    title: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ident,
            "action": self.action,
            "section": self.section,
            "title": self.title,
            "reason": self.reason,
        }


@dataclass(slots=True)
class InboxReport:
    path: Path
    since: str = ""
    until: str = ""
    section: str | None = None
    plans: list[Plan] = field(default_factory=list)
    sources: list[SourceRun] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    in_list: int = 0  # found, but the list holds them
    rejected_before: int = 0  # found, but turned down before
    too_old: int = 0  # found, but dated before --since (or undated)
    off_topic: int = 0  # Hugging Face papers no section's words or sources point to
    decisions: list[Decision] = field(default_factory=list)
    listed: bool = False  # candidates were gathered (not only decisions applied)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.sources)

    @property
    def cache_hits(self) -> int:
        return sum(s.cache_hits for s in self.sources)

    @property
    def failed_sources(self) -> list[SourceRun]:
        return [s for s in self.sources if s.failed]

    @property
    def exit_code(self) -> int:
        """1 when every source asked failed, or a decision failed; else 0 (a failing source is a warning)."""
        if self.sources and all(s.failed for s in self.sources):
            return 1
        return 1 if any(d.action == "failed" for d in self.decisions) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "since": self.since,
            "until": self.until,
            "section": self.section,
            "queries": [p.to_dict() for p in self.plans],
            "sources": [s.to_dict() for s in self.sources],
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "left_out": {
                "in_list": self.in_list,
                "rejected": self.rejected_before,
                "before_since": self.too_old,
                "off_topic": self.off_topic,
            },
            "candidates": [c.to_dict() for c in self.candidates],
            "decisions": [d.to_dict() for d in self.decisions],
        }


# --------------------------------------------------------------------------------------------- gathering

Progress = Callable[[str, int, int], None]


def _key(arxiv: str | None, doi: str | None) -> str:
    return arxiv or (doi or "").lower()


def gather(
    path: Path,
    *,
    since: str | None = None,
    until: str | None = None,
    sources: Iterable[str] = SOURCES,
    section: str | None = None,
    config: HttpConfig | None = None,
    arxiv_config: ArxivConfig | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> InboxReport:
    """Ask the sources, drop what the list holds or has rejected, rank the rest. Never raises for a source's
    failure (it is in ``report.sources``); raises :class:`UsageError` for bad options and :class:`StoreError` for
    an unreadable list."""
    from lcllm_cli import store
    from lcllm_cli.dedupe import DuplicateIndex
    from lcllm_cli.sources import arxiv, hf, s2recs
    from lcllm_cli.sources.http import HttpClient, HttpConfig, scale_budget

    wanted = list(dict.fromkeys(s.strip().lower() for s in sources if s.strip()))
    unknown = [s for s in wanted if s not in SOURCES]
    if unknown or not wanted:
        raise UsageError(
            f"unknown source {', '.join(unknown)!s}" if unknown else "no source given",
            hint="--source takes a comma-separated list of: " + ", ".join(SOURCES),
        )
    today = today or today_utc()
    end = parse_day(until, today, "--until") if until else today
    start = parse_day(since, today) if since else end - dt.timedelta(days=DEFAULT_DAYS_BACK)
    if start > end:
        raise UsageError(f"--since {start} is after --until {end}", hint="give an earlier --since")
    if (end - start).days >= MAX_DAYS:
        raise UsageError(
            f"--since reaches {(end - start).days + 1} days back; the inbox looks at most {MAX_DAYS} days",
            hint="give a later --since (the inbox is for new papers)",
        )
    lib = store.load(path)
    report = InboxReport(path=path, since=start.isoformat(), until=end.isoformat())
    only = _section_of(lib, section).name if section else None
    report.section = only
    report.plans = plans(lib, only)
    plan_of = {p.section: p for p in report.plans}
    rejections = load_rejections(path)
    newest_first = sorted(rejections, key=lambda r: (r.date or "", r.ident), reverse=True)
    negatives = [f"ARXIV:{r.arxiv}" if r.arxiv else f"DOI:{r.ident}" for r in newest_first]
    found: dict[str, Candidate] = {}

    def candidate(arxiv_id: str | None, doi: str | None, title: str, authors: list[str]) -> Candidate:
        key = _key(arxiv_id, doi)
        c = found.get(key)
        if c is None:
            c = found[key] = Candidate(arxiv_id or doi or "", title, arxiv_id, doi, list(authors))
        if not c.authors and authors:
            c.authors = list(authors)
        if c.doi is None and doi:
            c.doi = doi
        return c

    def dated(c: Candidate, day: str | None) -> None:
        if day and (c.date is None or day > c.date):
            c.date = day

    def mark(c: Candidate, source: str) -> None:
        if source not in c.sources:
            c.sources.append(source)

    http_config = config or HttpConfig.from_env()
    acfg = arxiv_config or arxiv.ArxivConfig.from_env()
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    steps = {"arxiv": len(report.plans), "s2": len(report.plans), "hf": len(days)}
    scale_budget(http_config, sum(steps[name] for name in wanted if name in steps), acfg.delay + 15.0)
    http = HttpClient(http_config)
    with http:
        for name in wanted:
            run = SourceRun(name)
            report.sources.append(run)
            sent, hits = http.requests, http.cache_hits
            total = steps[name]
            if progress:
                progress(SOURCE_NAMES[name], 0, total)
            try:
                if name == "arxiv":
                    for n, plan in enumerate(report.plans, 1):
                        if plan.query is None:
                            run.skipped.append(f"{plan.section}: no query, and its titles give none")
                            continue
                        run.asked += 1
                        got = arxiv.search(
                            plan.query,
                            since=report.since,
                            until=report.until,
                            categories=plan.categories,
                            http=http,
                            config=acfg,
                            max_results=SEARCH_RESULTS,
                        )
                        run.found += len(got.hits)
                        for hit in got.hits:
                            e = hit.entry
                            c = candidate(e.arxiv, e.doi, e.title, e.authors)
                            mark(c, "arxiv")
                            dated(c, e.published)
                            c.categories = c.categories or list(e.categories)
                            if plan.section not in c.queries:
                                c.queries.append(plan.section)
                        if progress:
                            progress(SOURCE_NAMES[name], n, total)
                elif name == "s2":
                    for n, plan in enumerate(report.plans, 1):
                        if not plan.positives:
                            run.skipped.append(f"{plan.section}: no paper with an arXiv id or DOI to seed from")
                            continue
                        run.asked += 1
                        recs = s2recs.recommend(plan.positives, negatives, http, limit=RECOMMENDATIONS)
                        run.found += len(recs)
                        for rec in recs:
                            c = candidate(rec.arxiv, rec.doi, rec.title, rec.authors)
                            mark(c, "s2")
                            dated(c, rec.published)
                            c.recommended[plan.section] = (rec.rank, len(recs), len(plan.positives))
                        if progress:
                            progress(SOURCE_NAMES[name], n, total)
                else:
                    for n, day in enumerate(days, 1):
                        run.asked += 1
                        papers = hf.daily_papers(day, http)
                        run.found += len(papers)
                        for p in papers:
                            c = candidate(p.arxiv, None, p.title, p.authors)
                            mark(c, "hf")
                            c.hf_date = max(c.hf_date or day, day)
                            dated(c, day)
                            if p.upvotes is not None:
                                c.upvotes = max(c.upvotes or 0, p.upvotes)
                        if progress:
                            progress(SOURCE_NAMES[name], n, total)
            except LcllmError as exc:
                run.error = exc  # this source stops here; the others still answer
            run.requests, run.cache_hits = http.requests - sent, http.cache_hits - hits

    held = DuplicateIndex(lib.entries)
    turned_down = DuplicateIndex([r.entry() for r in rejections])
    kept: list[Candidate] = []
    for c in found.values():
        e = c.entry()
        if held.explain(e) is not None:
            report.in_list += 1
            continue
        if rejections and turned_down.explain(e) is not None:
            report.rejected_before += 1
            continue
        if c.date is None or c.date < report.since or c.date > report.until:
            report.too_old += 1
            continue
        score(c, plan_of)
        if c.section is None:
            report.off_topic += 1  # a daily paper no section's words point to (or not the --section's)
            continue
        kept.append(c)
    kept.sort(key=lambda c: (-round(c.score, 9), _neg_date(c.date), c.ident))
    for n, c in enumerate(kept, 1):
        c.number = n
    report.candidates = kept
    report.listed = True
    save_listing(path, report)
    return report


def _neg_date(day: str | None) -> tuple[int, ...]:
    if not day:
        return (0,)
    return tuple(-int(p) for p in day.split("-") if p.isdigit())


# --------------------------------------------------------------------------------------------- the listing


def listing_path(path: Path) -> Path:
    """Where the last listing of the list at ``path`` is kept (the user cache): what ``--add N`` refers to."""
    import hashlib
    import os

    from lcllm_cli.files import cache_dir

    digest = hashlib.sha256(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / "inbox" / f"{digest}.json"


def save_listing(path: Path, report: InboxReport) -> None:
    """Keep the numbered candidates (best effort: the cache may be unwritable)."""
    import json

    from lcllm_cli.files import replace_file

    data = {
        "file": str(path),
        "since": report.since,
        "until": report.until,
        "candidates": [
            {"number": c.number, "id": c.ident, "title": c.title, "section": c.section} for c in report.candidates
        ],
    }
    where = listing_path(path)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        replace_file(where, json.dumps(data, ensure_ascii=False), durable=False)
    except OSError:
        pass


def load_listing(path: Path) -> list[dict[str, Any]]:
    import json

    try:
        data = json.loads(listing_path(path).read_text(encoding="utf-8"))
        items = data["candidates"]
        return [c for c in items if isinstance(c, dict) and isinstance(c.get("id"), str)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


@dataclass(slots=True)
class Chosen:
    ident: str
    title: str = ""
    section: str | None = None


def choose(path: Path, picks: Iterable[str]) -> list[Chosen]:
    """The candidates ``picks`` names: numbers of the last listing, or ids (arXiv id in any form, or a DOI)."""
    from lcllm_cli.ids import try_parse_arxiv_id

    listing = load_listing(path)
    by_number = {c.get("number"): c for c in listing}
    by_id = {str(c["id"]).lower(): c for c in listing}
    out: list[Chosen] = []
    for pick in picks:
        text = pick.strip()
        if not text:
            continue
        if text.isdigit():
            item = by_number.get(int(text))
            if item is None:
                raise UsageError(
                    f"no candidate number {text} in the last inbox listing"
                    + ("" if listing else " (there is none for this list)"),
                    hint="run `lcllm inbox` and use the numbers it shows, or give arXiv ids",
                )
        else:
            parsed = try_parse_arxiv_id(text)
            ident = parsed.id if parsed else text.removeprefix("https://doi.org/").removeprefix("doi:")
            if parsed is None and not ident.startswith("10."):
                raise UsageError(f"not a candidate number, an arXiv id or a DOI: {text}", hint="e.g. 3 or 2412.01234")
            item = by_id.get(ident.lower(), {"id": ident})
        section = item.get("section") if isinstance(item.get("section"), str) else None
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        if not any(c.ident == item["id"] for c in out):
            out.append(Chosen(str(item["id"]), title, section))
    return out


def decide(
    path: Path,
    *,
    add: Iterable[str] = (),
    reject: Iterable[str] = (),
    section: str | None = None,
    arxiv_config: ArxivConfig | None = None,
    timeout: float | None = None,
    today: dt.date | None = None,
) -> InboxReport:
    """Add the candidates ``add`` names (through :func:`lcllm_cli.commands.add.run`, into the section the listing
    showed them in, or ``section``) and record those ``reject`` names. Raises :class:`UsageError` for a number the
    last listing does not have (before anything is done)."""
    from lcllm_cli import store
    from lcllm_cli.commands import add as adding

    report = InboxReport(path=path)
    to_add, to_reject = choose(path, add), choose(path, reject)
    both = {c.ident for c in to_add} & {c.ident for c in to_reject}
    if both:
        raise UsageError(f"both added and rejected: {', '.join(sorted(both))}", hint="choose one for each paper")
    target = None
    if section:
        lib = store.load(path)
        try:
            target = _section_of(lib, section).name
        except LcllmError:
            target = section  # a new section: `add` makes it
    report.section = target
    groups: dict[str | None, list[Chosen]] = {}
    for c in to_add:
        groups.setdefault(target or c.section, []).append(c)
    for sec, chosen in groups.items():
        got = adding.run(path, [c.ident for c in chosen], sec, config=arxiv_config, timeout=timeout)
        for o in got.outcomes:
            action = {adding.ADDED: "added", adding.UPDATED: "already present", adding.PRESENT: "already present"}
            report.decisions.append(
                Decision(
                    o.arxiv or o.input,
                    action.get(o.status, "failed"),
                    o.entry.section if o.entry else sec,
                    o.entry.title if o.entry else None,
                    o.reason,
                )
            )
        if got.error is not None:
            report.decisions.append(Decision(",".join(c.ident for c in chosen), "failed", sec, None, got.error.message))
    if to_reject:
        report.decisions.extend(record_rejections(path, to_reject, target, today or today_utc()))
    return report


def record_rejections(path: Path, chosen: list[Chosen], section: str | None, today: dt.date) -> list[Decision]:
    """Add ``chosen`` to the rejections file (once each), under the list's lock, in one atomic write."""
    from lcllm_cli.dedupe import DuplicateIndex
    from lcllm_cli.files import locked, write_atomic

    out: list[Decision] = []
    with locked(path):
        current = load_rejections(path)
        index = DuplicateIndex([r.entry() for r in current])
        new: list[Rejection] = []
        for c in chosen:
            r = Rejection(c.ident, c.title, section or c.section, today.isoformat())
            if index.explain(r.entry()) is not None:
                out.append(Decision(c.ident, "already rejected", r.section, c.title or None))
                continue
            index.add(r.entry())
            new.append(r)
            out.append(Decision(c.ident, "rejected", r.section, c.title or None))
        if new:
            write_atomic(rejections_path(path), dump_rejections([*current, *new]))
    return out
