"""Synthetic awesome lists: realistic entries, planted duplicates of every kind, planted near-misses.

Importable (``generate(n, seed=...) -> Synth``) and a script::

    python benchmarks/synth.py 10000 -o /tmp/10k/entries.toml [--seed 1] [--truth /tmp/10k/truth.json]

Every entry stands for one real item, its *work*: ``Synth.work[i]`` is the work of entry ``i``. Planted duplicates
share the work of their original; planted near-misses are new works that look like an existing one (same name
before the colon, one meaningful word changed, a shared code repository, the same generic title by other
people, a project of the same name by another owner, a real word one letter away from another). A perfect
detector groups exactly the entries that share a work.

Entries look like the real thing: papers with 5-10 authors, 2-3 links (code, blog, model page), arXiv ids and
versions, dates, venues, categories, some DOIs and citation counts; projects with owner, description and stars;
links to blog posts. The same ``n`` and ``seed`` give the same list.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from lcllm_cli.model import Citations, Entry, Library, Link, Section

FIRST = [
    "Hao",
    "Yao",
    "Wei",
    "Xin",
    "Jie",
    "Yu",
    "Lei",
    "Jun",
    "Ming",
    "Tao",
    "Yi",
    "Chen",
    "Kai",
    "Rui",
    "Zhen",
    "Qian",
    "Lin",
    "Bo",
    "Hui",
    "Jing",
    "Aditya",
    "Priya",
    "Rahul",
    "Ananya",
    "Arjun",
    "Neha",
    "Omar",
    "Fatima",
    "Ali",
    "Layla",
    "Yusuf",
    "James",
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Laura",
    "Daniel",
    "Anna",
    "Thomas",
    "Julia",
    "Lukas",
    "Sophie",
    "Pierre",
    "Camille",
    "Marco",
    "Giulia",
    "Hiroshi",
    "Yuki",
    "Kenji",
    "Sora",
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Ivan",
    "Olga",
    "Dmitri",
    "Noam",
    "Tal",
    "Mateo",
    "Lucía",
    "Hannaneh",
    "Matei",
    "Pieter",
]
COMMON_SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
]
OTHER_SURNAMES = [
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Lee",
    "Kim",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Ito",
    "Nakamura",
    "Kobayashi",
    "Sato",
    "Patel",
    "Sharma",
    "Gupta",
    "Singh",
    "Kumar",
    "Reddy",
    "Iyer",
    "Nair",
    "Das",
    "Bose",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Rossi",
    "Russo",
    "Ferrari",
    "Bianchi",
    "Romano",
    "Dubois",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Ivanov",
    "Petrov",
    "Smirnov",
    "Cohen",
    "Levi",
    "Mizrahi",
    "Zaharia",
    "Abbeel",
    "Hajishirzi",
    "Celikyilmaz",
    "Pasunuru",
    "Weston",
    "Panda",
    "Niu",
    "Yue",
    "Peng",
    "Fu",
    "Bai",
    "Lv",
    "Hou",
    "Tang",
    "Dong",
    "Qi",
    "Xiao",
    "Han",
    "Shao",
    "Hooper",
    "Mahoney",
    "Keutzer",
    "Gholami",
    "Dao",
    "Ré",
    "Gu",
    "Goel",
    "Poli",
    "Fried",
    "Rush",
    "Sanh",
    "Wolf",
    "Raffel",
    "Shazeer",
    "Vaswani",
    "Parmar",
    "Uszkoreit",
    "Jones",
    "Gomez",
    "Kaiser",
    "Polosukhin",
    "Dehghani",
    "Tay",
    "Bahri",
    "Metzler",
    "Rae",
    "Potapenko",
    "Lillicrap",
    "Child",
    "Gray",
    "Radford",
    "Sutskever",
    "Beltagy",
    "Cohan",
    "Peters",
    "Zaheer",
    "Guruganesh",
    "Ainslie",
    "Ontañón",
    "Alberti",
    "Ravula",
    "Ahmed",
    "Kitaev",
    "Levskaya",
    "Katharopoulos",
    "Vyas",
    "Pappas",
    "Fleuret",
    "Choromanski",
    "Likhosherstov",
    "Dohan",
    "Song",
    "Sarlós",
    "Hawkins",
    "Davis",
    "Mohiuddin",
    "Weller",
    "Colwell",
    "Press",
    "Smith",
    "Lewis",
    "Su",
    "Lu",
    "Pan",
    "Wen",
    "Murtadha",
    "Ding",
    "Tian",
    "Jiang",
    "Ye",
    "Xie",
    "Qin",
    "Feng",
    "Deng",
    "Cao",
    "Zeng",
    "Peng",
    "Ren",
    "Yuan",
    "Cai",
    "Jia",
    "Kong",
]
CODE_HOSTS = ("github.com",)
BLOG_HOSTS = ("medium.com", "zhuanlan.zhihu.com", "www.qbitai.com", "mp.weixin.qq.com", "huggingface.co/blog")
SYLLABLES = [
    "Long",
    "Ring",
    "Zebra",
    "Yarn",
    "Rope",
    "Lingua",
    "Mem",
    "Infini",
    "Star",
    "Hyper",
    "Flash",
    "Block",
    "Stream",
    "Focus",
    "Echo",
    "Quill",
    "Nova",
    "Lumen",
    "Orca",
    "Mamba",
    "Hydra",
    "Kite",
    "Atlas",
    "Vega",
    "Sparrow",
    "Comet",
    "Prism",
    "Delta",
    "Ember",
    "Fable",
    "Glide",
    "Harbor",
    "Ion",
    "Jade",
    "Koi",
    "Lotus",
    "Maple",
    "Nimbus",
    "Onyx",
    "Pulse",
    "Quartz",
    "Ripple",
    "Sable",
    "Tidal",
    "Umbra",
    "Vortex",
    "Willow",
    "Xeno",
    "Yonder",
    "Zephyr",
]
SUFFIXES = ("", "", "LM", "Former", "Net", "Attn", "Bench", "-2", "++", "GPT", "Mixer", "RAG")
ADJ = [
    "Efficient",
    "Scalable",
    "Robust",
    "Adaptive",
    "Sparse",
    "Dense",
    "Hierarchical",
    "Recurrent",
    "Linear",
    "Dynamic",
    "Lightweight",
    "Unified",
    "Structured",
    "Continual",
    "Parallel",
    "Distributed",
    "Compressed",
    "Retrieval-Augmented",
    "Memory-Efficient",
    "Training-Free",
    "Multi-Modal",
    "Multilingual",
    "Causal",
    "Contrastive",
    "Generative",
    "Latent",
    "Infinite",
    "Extreme",
    "Hybrid",
    "Modular",
    "Faithful",
    "Hardware-Aware",
    "Selective",
    "Learnable",
    "Blockwise",
    "Streaming",
    "Position-Agnostic",
    "Length-Robust",
    "Model-Based",
]
NOUN = [
    "Attention",
    "Transformers",
    "Language Models",
    "Position Encodings",
    "Context Windows",
    "KV Caches",
    "State Space Models",
    "Memory",
    "Retrieval",
    "Tokenization",
    "Reasoning",
    "Summarization",
    "Agents",
    "Benchmarks",
    "Embeddings",
    "Decoding",
    "Inference",
    "Fine-Tuning",
    "Alignment",
    "Compression",
    "Extrapolation",
    "Interpolation",
    "Sequence Modeling",
    "Optimization",
    "Evaluation",
    "Multi-Modal Models",
    "Mixture of Experts",
    "Rotary Embeddings",
]
TASK = [
    "Long Context",
    "Long Documents",
    "Question Answering",
    "Code Generation",
    "Dialogue",
    "Video Understanding",
    "Long-Form Generation",
    "Multi-Document Reasoning",
    "Streaming Inference",
    "In-Context Learning",
    "Needle-in-a-Haystack Retrieval",
    "Repository-Level Code Completion",
    "Book Summarization",
    "Multi-Modal Understanding",
    "Long Video Generation",
]
SCALE = ("32K", "64K", "128K", "256K", "1M", "2 Million", "10 Million", "100K")
TEMPLATES = (
    "{name}: {adj} {noun} for {task}",
    "{name}: Towards {adj} {noun} at {scale} Tokens",
    "{adj} {noun} with {adj2} {noun2} for {task}",
    "On the {noun} of {adj} {noun2} in {task}",
    "{name}: Scaling {noun} to {scale} Tokens with {adj} {noun2}",
    "{name}: {adj} and {adj2} {noun} for {task}",
    "When {adj} {noun} Meet {task}: {adj2} {noun2} at {scale} Context",
    "{name}: Extending {noun} beyond {scale} Tokens via {adj} {noun2}",
)
VENUES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "COLM", "AAAI", "TACL", "CVPR")
CATEGORIES = ("cs.CL", "cs.LG", "cs.AI", "cs.CV", "cs.IR", "stat.ML")
DESCRIPTIONS = (
    "Official implementation of the paper.",
    "A toolkit for long-context training and evaluation.",
    "Fast attention kernels for long sequences.",
    "Curated resources on long-context language models.",
    "Inference engine with paged KV cache.",
    "Benchmark suite for long-context understanding.",
)
# One-word swaps that change what a paper is about (near-misses of kind "one-word").
SWAPS = {
    "Long": "Short",
    "Efficient": "Effective",
    "Sparse": "Dense",
    "Dense": "Sparse",
    "Linear": "Quadratic",
    "Training-Free": "Training-Based",
    "Inference": "Training",
    "Question": "Claim",
    "Generation": "Retrieval",
    "Streaming": "Offline",
    "32K": "64K",
    "64K": "32K",
    "128K": "256K",
    "256K": "128K",
    "1M": "2M",
    "100K": "200K",
}
# Spelling variants that do not change the title (duplicates of kind "title-spelling").
SPELLING = {
    "Modeling": "Modelling",
    "Optimization": "Optimisation",
    "Summarization": "Summarisation",
    "Tokenization": "Tokenisation",
    "Transformers": "Transformer",
    "Models": "Model",
    "Embeddings": "Embedding",
    "Agents": "Agent",
    "Benchmarks": "Benchmark",
}

DUPLICATE_KINDS = (
    "arxiv-version",
    "arxiv-doi",
    "arxiv-url",
    "doi",
    "url-variant",
    "project-fold",
    "title-exact",
    "title-spelling",
    "title-typo",
    "verbatim",
    "link-url-variant",
)
NEAR_MISS_KINDS = (
    "subtitle",
    "one-word",
    "real-word-typo",
    "shared-code",
    "generic-title",
    "same-name-project",
)


@dataclass(slots=True)
class Synth:
    library: Library
    work: list[int]  # per entry: the real item it stands for
    planted: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, original, duplicate) indexes
    near_misses: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, original, look-alike)

    def truth(self) -> dict[str, object]:
        return {"work": self.work, "planted": self.planted, "near_misses": self.near_misses}


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.titles: set[str] = set()
        self.repos: set[str] = set()
        self.month_counter: dict[str, int] = {}
        self.serial = 0
        self.surnames = COMMON_SURNAMES * 6 + OTHER_SURNAMES  # Chinese surnames are common first authors

    # -- pieces

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(self.surnames)}"

    def authors(self) -> list[str]:
        out: list[str] = []
        while len(out) < self.rng.randint(5, 10):
            name = self.person()
            if name not in out:
                out.append(name)
        return out

    def name(self) -> str:
        r = self.rng
        return r.choice(SYLLABLES) + r.choice(SYLLABLES).lower() * r.randint(0, 1) + r.choice(SUFFIXES)

    def title(self) -> str:
        r = self.rng
        for _ in range(100):
            adj, adj2 = r.sample(ADJ, 2)
            noun, noun2 = r.sample(NOUN, 2)
            t = r.choice(TEMPLATES).format(
                name=self.name(), adj=adj, adj2=adj2, noun=noun, noun2=noun2, task=r.choice(TASK), scale=r.choice(SCALE)
            )
            if self.claim_title(t):
                return t
        raise RuntimeError("could not make a unique title")

    def claim_title(self, title: str) -> bool:
        key = _loose_key(title)
        if key in self.titles:
            return False
        self.titles.add(key)
        return True

    def arxiv_id(self) -> tuple[str, int]:
        r = self.rng
        year = r.randint(19, 25)
        yymm = f"{year:02d}{r.randint(1, 12):02d}"
        n = self.month_counter.get(yymm, r.randint(1, 400)) + r.randint(1, 30)
        self.month_counter[yymm] = n
        return f"{yymm}.{n:05d}", 2000 + year

    def repo(self, base: str) -> str:
        slug = base.replace("+", "-plus").replace(" ", "-")
        while slug.casefold() in self.repos:
            self.serial += 1
            slug = f"{base}-{self.serial}"
        self.repos.add(slug.casefold())
        return slug

    def handle(self) -> str:
        r = self.rng
        return r.choice(["", "the-", "open-"]) + r.choice(SYLLABLES).lower() + r.choice(["", "lab", "ai", "nlp", "-ml"])

    # -- entries

    def paper(self, *, arxiv: bool = True) -> Entry:
        r = self.rng
        title = self.title()
        arxiv_id, year = self.arxiv_id()
        month = int(arxiv_id[2:4])
        published = f"{year}-{month:02d}-{r.randint(1, 28):02d}"
        version = r.choice((1, 1, 1, 2, 2, 3, 4))
        name = title.split(":")[0] if ":" in title else self.name()
        owner = self.handle()
        links = [Link(name, f"https://github.com/{owner}/{self.repo(name)}")]
        links.append(Link("blog", f"https://{r.choice(BLOG_HOSTS)}/p/{year}-{self.serial_next()}"))
        if r.random() < 0.5:
            links.append(Link("model", f"https://huggingface.co/{owner}/{name}-{r.choice(('7B', '13B', '70B'))}"))
        venue = "arXiv" if r.random() < 0.6 else f"{r.choice(VENUES)} {year + r.randint(0, 1)}"
        cats = r.sample(CATEGORIES, r.randint(1, 3))
        e = Entry(
            kind="paper",
            title=title,
            section=r.choice(("Papers", "Papers", "Papers", "Surveys", "Benchmarks")),
            arxiv=arxiv_id if arxiv else None,
            version=version if arxiv else None,
            authors=self.authors(),
            published=published,
            updated=f"{year}-{min(12, month + version - 1):02d}-{r.randint(1, 28):02d}" if version > 1 else None,
            year=year,
            venue=venue,
            primary_category=cats[0],
            categories=cats,
            links=links,
        )
        if not arxiv or r.random() < 0.15:
            e.doi = f"10.{r.choice((1145, 18653, 1162, 1109))}/{self.serial_next()}.{r.randint(1000, 9999)}"
        if r.random() < 0.4:
            src = r.choice(("Semantic Scholar", "Google Scholar"))
            e.citations = Citations(r.randint(0, 900), src, f"https://scholar.example.org/cites/{self.serial_next()}")
        return e

    def serial_next(self) -> int:
        self.serial += 1
        return self.serial

    def project(self) -> Entry:
        r = self.rng
        name = self.name()
        owner = self.handle()
        repo = self.repo(name)
        return Entry(
            kind="project",
            title=repo,
            section="Projects",
            url=f"https://github.com/{owner}/{repo}",
            owner=owner,
            description=r.choice(DESCRIPTIONS),
            stars=r.randint(0, 40000),
            stars_date="2025-01-01",
        )

    def link(self) -> Entry:
        r = self.rng
        n = self.serial_next()
        title = f"{self.name()} explained: {r.choice(NOUN).lower()} for {r.choice(TASK).lower()} (part {n})"
        return Entry(kind="link", title=title, section="Blogs", url=f"https://{r.choice(BLOG_HOSTS)}/post/{n}-{n % 97}")


def _loose_key(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.casefold()).split()
    return " ".join(w[:-1] if w.endswith("s") else w for w in words if w not in ("a", "an", "the"))


def _case_variant(url: str, rng: random.Random) -> str:
    """The same page spelled differently: scheme, www., letter case of owner/name, .git, slash, query noise."""
    _, _, rest = url.partition("github.com/")
    if not rest:
        return url.replace("https://", "http://") + rng.choice(("/", "?utm_source=twitter", "/?ref=list"))
    owner, _, name = rest.partition("/")
    variant = rng.choice((owner.upper(), owner.lower(), owner.title())) + "/" + rng.choice((name.lower(), name.upper()))
    scheme = rng.choice(("http://", "https://www.", "https://", "http://www."))
    return (
        scheme + "github.com/" + variant + rng.choice(("", "/", ".git", "?tab=readme-ov-file", "/?tab=readme-ov-file"))
    )


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randint(1, len(word) - 3)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]  # a dropped letter
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def _title_variant(title: str, rng: random.Random) -> str:
    """The same title after normalisation: letter case, punctuation, hyphenation, LaTeX, Unicode form."""
    choice = rng.randrange(5)
    if choice == 0:
        return title.upper() if rng.random() < 0.5 else title.lower()
    if choice == 1:
        return title.replace(":", " -").replace("-", " ") + "."
    if choice == 2:
        return title.replace("-", "").replace("  ", " ")
    if choice == 3:
        return "{" + title.replace("Infinite", "{I}nfinite") + "}"
    return unicodedata.normalize("NFD", title.replace("e", "é", 1)) if "e" in title else title + " "


class _Planter:
    def __init__(self, maker: _Maker, entries: list[Entry], work: list[int]) -> None:
        self.m = maker
        self.rng = maker.rng
        self.entries = entries
        self.work = work
        self.papers = [i for i, e in enumerate(entries) if e.kind == "paper"]
        self.arxiv_papers = [i for i in self.papers if entries[i].arxiv]
        self.projects = [i for i, e in enumerate(entries) if e.kind == "project"]
        self.links = [i for i, e in enumerate(entries) if e.kind == "link"]
        self.used: set[int] = set()
        self.out: list[tuple[str, int, Entry, bool]] = []  # (kind, original, new entry, is duplicate)

    def pick(self, pool: list[int], ok: object = None) -> int | None:
        for _ in range(50):
            i = self.rng.choice(pool)
            if i not in self.used and (ok is None or ok(self.entries[i])):  # type: ignore[operator]
                self.used.add(i)
                return i
        return None

    def plant(self, kind: str) -> None:
        r, E = self.rng, self.entries
        new: Entry | None = None
        dup = kind in DUPLICATE_KINDS
        if kind == "arxiv-version":
            i = self.pick(self.arxiv_papers, lambda e: (e.version or 1) > 1)
            if i is not None:
                new = replace(E[i], version=r.randint(1, (E[i].version or 2) - 1), links=E[i].links[:1], citations=None)
        elif kind == "arxiv-doi":
            i = self.pick(self.arxiv_papers, lambda e: e.doi is None)
            if i is not None:
                new = replace(E[i], arxiv=None, version=None, doi=f"10.48550/arXiv.{E[i].arxiv}", links=[])
        elif kind == "arxiv-url":
            i = self.pick(self.arxiv_papers)
            if i is not None:
                url = f"https://arxiv.org/abs/{E[i].arxiv}v{r.randint(1, 3)}"
                new = Entry(kind="link", title=E[i].title, section="Blogs", url=url)
        elif kind == "doi":
            i = self.pick(self.papers, lambda e: e.doi is not None and "48550" not in e.doi)
            if i is not None:
                doi = E[i].doi or ""
                new = replace(
                    E[i], arxiv=None, version=None, doi=doi.upper(), venue=f"{r.choice(VENUES)} 2025", links=[]
                )
                new.title = _title_variant(new.title, r)
        elif kind == "url-variant":
            i = self.pick(self.projects)
            if i is not None:
                new = replace(E[i], url=_case_variant(E[i].url or "", r), stars=None, description=None)
        elif kind == "project-fold":
            i = self.pick(self.papers)
            if i is not None:
                code = E[i].links[0]
                repo = code.url.rsplit("/", 1)[-1]
                new = Entry(
                    kind="project",
                    title=repo,
                    section="Projects",
                    url=_case_variant(code.url, r),
                    owner=code.url.split("/")[3],
                    description=f"Implementation of paper {E[i].title}",
                    stars=r.randint(10, 5000),
                )
        elif kind == "title-exact":
            i = self.pick(self.papers)
            if i is not None:
                new = replace(E[i], arxiv=None, version=None, doi=None, title=_title_variant(E[i].title, r), links=[])
                new.year = (E[i].year or 2020) + r.randint(0, 1)
                new.venue = f"{r.choice(VENUES)} {new.year}"
        elif kind == "title-spelling":
            i = self.pick(self.papers, lambda e: any(w in e.title.split() for w in SPELLING))
            if i is not None:
                words = [SPELLING.get(w, w) for w in E[i].title.split()]
                new = replace(E[i], arxiv=None, version=None, doi=None, title=" ".join(words), links=[])
        elif kind == "title-typo":
            i = self.pick(self.papers, lambda e: any(len(w) >= 9 and w.isalpha() for w in e.title.split()))
            if i is not None:
                words = E[i].title.split()
                k = r.choice([n for n, w in enumerate(words) if len(w) >= 9 and w.isalpha()])
                words[k] = _typo(words[k], r)
                new = replace(E[i], arxiv=None, version=None, doi=None, title=" ".join(words), links=E[i].links[1:])
        elif kind == "verbatim":
            i = self.pick(self.papers + self.projects + self.links)
            if i is not None:
                new = replace(E[i])
        elif kind == "link-url-variant":
            i = self.pick(self.links)
            if i is not None:
                new = replace(E[i], url=_case_variant(E[i].url or "", r), title=E[i].title + " (repost)")
        # ---- near-misses: new works that look like an existing one
        elif kind == "subtitle":
            i = self.pick(self.papers, lambda e: ":" in e.title)
            if i is not None:
                head = E[i].title.split(":")[0]
                title = f"{head}: {self.m.title().split(':')[-1].strip()}"
                new = replace(E[i], arxiv=None, version=None, doi=None, title=title, links=[])
        elif kind == "one-word":
            i = self.pick(self.papers, lambda e: any(w in SWAPS for w in e.title.split()))
            if i is not None:
                words = E[i].title.split()
                k = next(n for n, w in enumerate(words) if w in SWAPS)
                words[k] = SWAPS[words[k]]
                title = " ".join(words)
                if self.m.claim_title(title):
                    new = replace(E[i], arxiv=None, version=None, doi=None, title=title, links=[])
        elif kind == "real-word-typo":
            i = self.pick(self.papers, lambda e: "Multi-Modal" in e.title)
            if i is not None:
                title = E[i].title.replace("Multi-Modal", "Multi-Model", 1)
                if self.m.claim_title(title):
                    new = replace(E[i], arxiv=None, version=None, doi=None, title=title, links=[])
        elif kind == "shared-code":
            i = self.pick(self.papers)
            if i is not None:
                new = self.m.paper()
                new.links = [E[i].links[0], *new.links[1:]]
                new.authors = E[i].authors[:2] + new.authors[2:]
        elif kind == "generic-title":
            i = self.pick(self.papers)
            if i is not None:
                new = self.m.paper(arxiv=False)
                new.doi = None
                new.title = E[i].title
                new.year = (E[i].year or 2020) - 4 - r.randint(0, 10)
                new.published = f"{new.year}-06-01"
        elif kind == "same-name-project":
            i = self.pick(self.projects)
            if i is not None:
                new = replace(E[i], url=f"https://github.com/{self.m.handle()}-fork/{E[i].title}", owner=None)
        if new is not None and i is not None:
            self.out.append((kind, i, new, dup))


def generate(n: int, *, seed: int = 0, dup_rate: float = 0.06, near_rate: float = 0.02) -> Synth:
    """A list of about ``n`` entries (exactly ``n`` for n >= 100) with duplicates and near-misses planted."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    n_dup = int(n * dup_rate) if n >= 100 else 0
    n_near = int(n * near_rate) if n >= 100 else 0
    n_base = n - n_dup - n_near
    base: list[Entry] = []
    for _ in range(n_base):
        roll = rng.random()
        base.append(
            maker.paper(arxiv=rng.random() < 0.9) if roll < 0.85 else maker.project() if roll < 0.95 else maker.link()
        )
    work = list(range(len(base)))
    planter = _Planter(maker, base, work)
    for k in range(n_dup):
        planter.plant(DUPLICATE_KINDS[k % len(DUPLICATE_KINDS)])
    for k in range(n_near):
        planter.plant(NEAR_MISS_KINDS[k % len(NEAR_MISS_KINDS)])
    # Fill up to n with plain entries if some plantings found no suitable original.
    while len(base) + len(planter.out) < n:
        base.append(maker.paper())
        work.append(len(work))

    items: list[tuple[Entry, int, tuple[str, int, bool] | None]] = [
        (e, w, None) for e, w in zip(base, work, strict=True)
    ]
    next_work = len(work)
    for kind, original, entry, is_dup in planter.out:
        if is_dup:
            items.append((entry, work[original], (kind, original, True)))
        else:
            items.append((entry, next_work, (kind, original, False)))
            next_work += 1
    # A list in section order, shuffled within each section: duplicates land anywhere, never next to their original.
    order = {"Papers": 0, "Surveys": 1, "Benchmarks": 2, "Projects": 3, "Blogs": 4}
    positions = list(range(len(items)))
    rng.shuffle(positions)
    positions.sort(key=lambda p: order.get(items[p][0].section, 9))
    new_index = {old: new for new, old in enumerate(positions)}
    lib = Library(title="Synthetic long-context list", sections=[Section(s) for s in order])
    synth = Synth(lib, [])
    for p in positions:
        entry, w, plant = items[p]
        lib.entries.append(entry)
        synth.work.append(w)
    for p in positions:
        plant = items[p][2]
        if plant is None:
            continue
        kind, original, is_dup = plant
        pair = (kind, new_index[original], new_index[p])
        (synth.planted if is_dup else synth.near_misses).append(pair)
    return synth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of entries")
    parser.add_argument("-o", "--output", type=Path, default=Path("entries.toml"), help="entries file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--truth", type=Path, help="also write the works, planted duplicates and near-misses as JSON")
    args = parser.parse_args(argv)
    from lcllm_cli import store

    synth = generate(args.n, seed=args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(args.output, store.dumps(synth.library))
    if args.truth:
        args.truth.write_text(json.dumps(synth.truth()))
    print(
        f"wrote {len(synth.library.entries)} entries to {args.output}: "
        f"{len(synth.planted)} planted duplicates, {len(synth.near_misses)} planted near-misses",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
