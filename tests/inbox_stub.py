"""Stand-ins on 127.0.0.1 for the three sources of ``lcllm inbox``, on one server (tests.stubserver):

* arXiv's query API at ``/api/query``: ``search_query`` with ``ti:``/``abs:``/``all:`` terms (quoted phrases or
  words, any of them matching the title or abstract, case-insensitive), ``cat:`` terms (any of them), and
  ``submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]``; newest first, ``max_results`` of them; ``id_list`` (for
  ``--add``, through ``lcllm add``) answers the papers it knows by id;
* Hugging Face daily papers at ``/api/daily_papers?date=YYYY-MM-DD``: the papers set for that day, else ``[]``;
* Semantic Scholar recommendations at ``/recommendations/v1/papers/`` (POST): the recommendations set, whatever
  the seeds (the request body is kept, so tests see the positive and negative ids sent).

``fail(service, status)`` makes every request to one service (``"arxiv"``, ``"hf"``, ``"s2"``) answer that status.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.sax.saxutils import escape

from tests.arxiv_stub import FEED_OPEN
from tests.stubserver import Reply, Request, StubServer


@dataclass
class Paper:
    arxiv: str
    title: str
    published: str  # YYYY-MM-DD
    authors: list[str] = field(default_factory=lambda: ["Ada Lovelace"])
    abstract: str = ""
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    doi: str | None = None


def _entry(p: Paper) -> str:
    authors = "".join(f"    <author><name>{escape(a)}</name></author>\n" for a in p.authors)
    cats = "".join(f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n' for c in p.categories)
    doi = f"    <arxiv:doi>{escape(p.doi)}</arxiv:doi>\n" if p.doi else ""
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{p.arxiv}v1</id>\n"
        f"    <title>{escape(p.title)}</title>\n"
        f"    <updated>{p.published}T10:00:00Z</updated>\n"
        f"    <published>{p.published}T10:00:00Z</published>\n"
        f"    <summary>{escape(p.abstract or 'We study ' + p.title.lower() + '.')}</summary>\n"
        f'    <arxiv:primary_category term="{p.categories[0]}"/>\n'
        f"{cats}{doi}{authors}"
        "  </entry>\n"
    )


def feed(papers: list[Paper]) -> str:
    return (
        FEED_OPEN
        + "  <id>https://arxiv.org/api/stand-in</id>\n"
        + "  <title>arXiv Query</title>\n"
        + "  <updated>2026-12-01T00:00:00Z</updated>\n"
        + f"  <opensearch:totalResults>{len(papers)}</opensearch:totalResults>\n"
        + "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        + f"  <opensearch:itemsPerPage>{len(papers)}</opensearch:itemsPerPage>\n"
        + "".join(_entry(p) for p in papers)
        + "</feed>\n"
    )


_DATES = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
_TERM = re.compile(r'\b(ti|abs|all|cat):(?:"([^"]+)"|([^\s()]+))')


def matches(search: str, p: Paper) -> bool:
    """arXiv's search, as far as the tests need it: the date range, any ``cat:``, any text term."""
    m = _DATES.search(search)
    if m:
        day = p.published.replace("-", "")
        if not m[1][:8] <= day <= m[2][:8]:
            return False
    text_terms, cats = [], []
    for field_name, phrase, word in _TERM.findall(search):
        term = (phrase or word).lower()
        (cats if field_name == "cat" else text_terms).append((field_name, term))
    if cats and not any(c == cat.lower() for _, c in cats for cat in p.categories):
        return False
    if not text_terms:
        return True
    for field_name, term in text_terms:
        where = p.title if field_name == "ti" else p.abstract if field_name == "abs" else f"{p.title} {p.abstract}"
        if term in where.lower():
            return True
    return False


class InboxStub:
    def __init__(self) -> None:
        self.arxiv: list[Paper] = []  # what the arXiv search can find
        self.daily: dict[str, list[dict[str, object]]] = {}  # date -> the Hub's daily papers answer
        self.recommendations: list[dict[str, object]] = []  # Semantic Scholar's recommendedPapers
        self.failing: dict[str, int] = {}
        self.server = StubServer(self._handle)

    def __enter__(self) -> InboxStub:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def env(self) -> dict[str, str]:
        """The environment that points lcllm here, with no politeness delay and no retries."""
        return {
            "LCLLM_ARXIV_API_URL": f"{self.url}/api/query",
            "LCLLM_HF_URL": self.url,
            "LCLLM_S2_RECS_URL": f"{self.url}/recommendations/v1",
            "LCLLM_ARXIV_DELAY": "0",
            "LCLLM_ARXIV_TRIES": "1",
            "LCLLM_HTTP_RETRIES": "0",
            "LCLLM_S2_INTERVAL": "0",
        }

    # -- setup

    def add_arxiv(self, *papers: Paper) -> None:
        self.arxiv.extend(papers)

    def add_daily(self, date: str, paper: Paper, upvotes: int = 0) -> None:
        self.daily.setdefault(date, []).append(
            {
                "paper": {
                    "id": paper.arxiv,
                    "title": paper.title,
                    "summary": paper.abstract,
                    "authors": [{"name": a} for a in paper.authors],
                    "publishedAt": f"{paper.published}T10:00:00.000Z",
                    "upvotes": upvotes,
                },
                "title": paper.title,
                "numComments": 0,
            }
        )

    def add_recommendation(self, paper: Paper) -> None:
        self.recommendations.append(
            {
                "paperId": hashlib.sha1(paper.arxiv.encode()).hexdigest(),
                "externalIds": {"ArXiv": paper.arxiv, **({"DOI": paper.doi} if paper.doi else {})},
                "title": paper.title,
                "authors": [{"name": a} for a in paper.authors],
                "publicationDate": paper.published,
                "year": int(paper.published[:4]),
            }
        )

    def fail(self, service: str, status: int = 500) -> None:
        self.failing[service] = status

    # -- what was asked

    def asked(self, service: str) -> list[Request]:
        prefix = {"arxiv": "/api/query", "hf": "/api/daily_papers", "s2": "/recommendations/v1/papers"}[service]
        return [r for r in self.server.requests if r.path.startswith(prefix)]

    def searches(self) -> list[str]:
        return [r.query["search_query"][0] for r in self.asked("arxiv") if "search_query" in r.query]

    def s2_bodies(self) -> list[dict[str, list[str]]]:
        return [json.loads(r.body) for r in self.asked("s2")]

    # -- answers

    def _handle(self, req: Request) -> Reply:
        if req.path == "/api/query":
            if "arxiv" in self.failing:
                return Reply(self.failing["arxiv"], "<html>down</html>", content_type="text/html")
            if "id_list" in req.query:
                wanted = [i.split("v")[0] for i in req.query["id_list"][0].split(",")]
                known = {p.arxiv: p for p in [*self.arxiv, *self._known_elsewhere()]}
                return Reply(200, feed([known[i] for i in wanted if i in known]))
            search = unquote(req.query.get("search_query", [""])[0])
            limit = int(req.query.get("max_results", ["10"])[0])
            found = sorted((p for p in self.arxiv if matches(search, p)), key=lambda p: p.published, reverse=True)
            return Reply(200, feed(found[:limit]))
        if req.path == "/api/daily_papers":
            if "hf" in self.failing:
                return Reply(self.failing["hf"], '{"error": "down"}', content_type="application/json")
            day = req.query.get("date", [""])[0]
            return Reply(200, json.dumps(self.daily.get(day, [])), content_type="application/json")
        if req.path == "/recommendations/v1/papers/" and req.method == "POST":
            if "s2" in self.failing:
                return Reply(self.failing["s2"], '{"error": "down"}', content_type="application/json")
            return Reply(200, json.dumps({"recommendedPapers": self.recommendations}), content_type="application/json")
        return Reply(404, "not here", content_type="text/plain")

    def _known_elsewhere(self) -> list[Paper]:
        """Papers of the daily lists and recommendations, so that `add` can fetch them from this arXiv."""
        out = []
        for items in self.daily.values():
            for item in items:
                p = item["paper"]
                assert isinstance(p, dict)
                out.append(Paper(str(p["id"]), str(p["title"]), str(p["publishedAt"])[:10]))
        for r in self.recommendations:
            ext = r["externalIds"]
            assert isinstance(ext, dict)
            out.append(Paper(str(ext["ArXiv"]), str(r["title"]), str(r["publicationDate"])))
        return out
