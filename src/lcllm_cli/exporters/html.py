"""The list as one self-contained, searchable HTML page (``lcllm export --html -o site/index.html``).

One file, nothing fetched when it is viewed: the styles and the script are inline and the page's
Content-Security-Policy allows exactly those two (by their hashes) and nothing else: no request leaves the page
until a reader follows a link. Every entry is there as plain HTML (title, authors, venue and year, section,
citations, stars, labels, links, notes), grouped by section as the README is, so the page reads as a list without
JavaScript. The script adds a search box that filters as you type (title, authors, notes, every word), a section
filter, and sorting by date, citations or stars; each entry has an anchor (its citation key) to link to.

Nothing from the data becomes markup: every text is escaped, control characters are dropped, and only http(s) URLs
become links (others are shown as text). The script reads the entries from ``data-*`` attributes of the list, never
from text it would have to parse.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from urllib.parse import quote

from lcllm_cli.model import Entry, Library
from lcllm_cli.urls import is_web_url

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;
--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.6rem;margin:1.2rem 0 .4rem}
h2{font-size:1.25rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
a{color:var(--link)}
#controls{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0;position:sticky;top:0;background:var(--bg);
padding:.5rem 0;z-index:1}
#controls[hidden]{display:none}
#q{flex:1 1 16rem;min-width:0;font:inherit;padding:.45rem .6rem;border:1px solid var(--line);border-radius:6px;
background:var(--bg);color:var(--fg)}
select{font:inherit;padding:.4rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.count{color:var(--muted);margin:.2rem 0}
ol.entries{list-style:none;margin:0;padding:0}
li.entry{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;margin:.5rem 0;
overflow-wrap:anywhere}
li.entry[hidden],section[hidden]{display:none}
.title{font-weight:600}
.anchor{color:var(--muted);text-decoration:none;margin-left:.3rem;font-weight:400}
.authors,.meta,.notes{color:var(--muted);font-size:.92rem;margin:.15rem 0}
.links a{margin-right:.6rem;font-size:.92rem}
.links .nolink{margin-right:.6rem;font-size:.92rem;color:var(--muted)}
.hl{border-left:4px solid #bf8700}
footer{color:var(--muted);font-size:.85rem;margin:2rem auto}
""".strip()

SCRIPT = """
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var q = document.getElementById("q");
  var section = document.getElementById("section");
  var sort = document.getElementById("sort");
  var shown = document.getElementById("shown");
  var flat = document.getElementById("flat");
  var sections = Array.prototype.slice.call(document.querySelectorAll("main section.sec"));
  var items = Array.prototype.slice.call(document.querySelectorAll("li.entry"));
  controls.hidden = false;
  function num(li, name) { var v = li.getAttribute("data-" + name); return v ? Number(v) : -1; }
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var sec = section.value;
    var count = 0;
    items.forEach(function (li) {
      var hay = li.getAttribute("data-search");
      var ok = (!sec || li.getAttribute("data-section") === sec) &&
        words.every(function (w) { return hay.indexOf(w) !== -1; });
      li.hidden = !ok;
      if (ok) { count += 1; }
    });
    var how = sort.value;
    if (how === "list") {
      flat.hidden = true;
      sections.forEach(function (s) {
        var list = s.querySelector("ol");
        items.forEach(function (li) { if (li.getAttribute("data-home") === s.id) { list.appendChild(li); } });
        s.hidden = !s.querySelector("li.entry:not([hidden])");
      });
    } else {
      var key = how === "date" ? function (li) { return li.getAttribute("data-date") || ""; }
                               : function (li) { return num(li, how); };
      var sorted = items.slice().sort(function (a, b) {
        var ka = key(a), kb = key(b);
        if (ka < kb) { return 1; }
        if (ka > kb) { return -1; }
        return num(a, "order") - num(b, "order");
      });
      sorted.forEach(function (li) { flat.querySelector("ol").appendChild(li); });
      sections.forEach(function (s) { s.hidden = true; });
      flat.hidden = false;
    }
    shown.textContent = String(count);
  }
  q.addEventListener("input", apply);
  section.addEventListener("change", apply);
  sort.addEventListener("change", apply);
  apply();
})();
""".strip()


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)


def _t(text: str | None) -> str:
    """Text for HTML: control characters dropped, white space runs one space, escaped (quotes too)."""
    return escape(" ".join(_CONTROL.sub("", text or "").split()), quote=True)


def _a(url: str | None, label: str, cls: str = "") -> str:
    """A link to ``url`` when it is an http(s) URL; else the label as text."""
    attr = f' class="{cls}"' if cls else ""
    if url and is_web_url(url):
        return f'<a{attr} href="{escape(url, quote=True)}" rel="noopener noreferrer">{_t(label)}</a>'
    return f'<span class="nolink">{_t(label)}</span>' if not cls else f"<span{attr}>{_t(label)}</span>"


def _anchor(entry: Entry, i: int) -> str:
    return entry.key or f"entry-{i + 1}"


def _authors(entry: Entry) -> str:
    parts = entry.author_parts()
    names = [a for a in entry.authors if a.strip()] if parts is None else [*parts[0], "…", *parts[1]]
    return ", ".join(_t(n) for n in names)


def _arxiv_urls(entry: Entry) -> tuple[str, str] | None:
    from lcllm_cli.fieldkinds import is_arxiv_id

    if not entry.arxiv or not is_arxiv_id(entry.arxiv):
        return None
    vid = entry.arxiv + (f"v{entry.version}" if entry.version else "")
    return f"https://arxiv.org/abs/{vid}", f"https://arxiv.org/pdf/{vid}"


def _entry(entry: Entry, i: int, home: str) -> str:
    from lcllm_cli.commands.stats import month_of, stars_of

    anchor = _anchor(entry, i)
    arxiv = _arxiv_urls(entry)
    main_url = arxiv[0] if arxiv else entry.url
    stars = stars_of(entry)
    date = (entry.published or "")[:10] if entry.published else (month_of(entry) or "")
    if not date and entry.year_value:
        date = str(entry.year_value)
    search = " ".join([entry.title, *entry.authors, entry.owner or "", entry.notes or "", entry.description or ""])
    attrs = {
        "id": anchor,
        "data-home": home,
        "data-section": entry.section,
        "data-order": str(i),
        "data-search": " ".join(_CONTROL.sub("", search).lower().split()),
        "data-date": date,
        "data-citations": str(entry.citations.count) if entry.citations is not None else "",
        "data-stars": str(stars) if stars is not None else "",
    }
    cls = "entry hl" if entry.highlight else "entry"
    out = [f'<li class="{cls}" ' + " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attrs.items()) + ">"]
    labels = " ".join(_t(lb) for lb in (*entry.labels_before, *entry.labels))
    head = _a(main_url, entry.title or entry.ident, "title")
    out.append(f"<div>{head}{' ' + labels if labels else ''}"
               f'<a class="anchor" href="#{escape(quote(anchor, safe=":/+!*,;=@-._~"), quote=True)}"'
               f' aria-label="link to this entry">#</a></div>')  # fmt: skip
    authors = _authors(entry) if entry.kind == "paper" else _t(entry.owner)
    if authors:
        out.append(f'<div class="authors">{authors}</div>')
    meta = []
    pub = entry.publication  # the published version found by enrich: where the paper appeared, and when
    venue = pub.venue if pub is not None else entry.venue or ("arXiv" if arxiv else "")
    year = pub.year if pub is not None and pub.year else entry.year_value
    if venue and year and str(year) in venue:
        year = None  # "ICLR 2024 2024"
    if venue or year:
        meta.append(" ".join(p for p in (_t(venue), str(year) if year else "") if p))
    if entry.arxiv and arxiv:
        meta.append(_t(entry.arxiv))
    meta.append(f"section: {_t(entry.section)}")
    if entry.citations is not None:
        meta.append(f"citations: {entry.citations.count:,}")
    if stars is not None:
        meta.append(f"stars: {stars:,}")
    if entry.likes is not None:  # a Hugging Face model, dataset or Space
        meta.append(f"likes: {entry.likes:,}")
    out.append(f'<div class="meta">{" · ".join(meta)}</div>')
    links = []
    if arxiv:
        links += [_a(arxiv[0], "arxiv"), _a(arxiv[1], "pdf")]
    elif entry.url and entry.kind == "paper":
        links.append(_a(entry.url, "paper"))
    if entry.citations is not None and entry.citations.url:
        links.append(_a(entry.citations.url, "citations"))
    links += [_a(link.url, link.label or link.url) for link in entry.links]
    if links:
        out.append(f'<div class="links">{"".join(links)}</div>')
    for text in (entry.description, entry.notes):
        if text and text.strip():
            out.append(f'<p class="notes">{_t(text)}</p>')
    out.append("</li>")
    return "".join(out)


def render(lib: Library, entries: list[Entry]) -> str:
    """The page of ``entries`` (in list order, grouped by their sections in the list's section order)."""
    order = {name: i for i, name in enumerate(lib.section_names())}
    groups: dict[str, list[tuple[int, Entry]]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(entry.section, []).append((i, entry))
    names = sorted(groups, key=lambda n: order.get(n, len(order)))
    paths = lib.section_paths()
    title = _t(lib.title) or "Reading list"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="lcllm">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="count"><span id="shown">{len(entries)}</span> of {len(entries)} entries</p>',
        '<div id="controls" hidden>',
        '<input id="q" type="search" placeholder="Search titles, authors, notes" aria-label="Search" '
        'autocomplete="off">',
        '<select id="section" aria-label="Section"><option value="">All sections</option>'
        + "".join(f'<option value="{escape(n, quote=True)}">{_t(paths.get(n, n))}</option>' for n in names)
        + "</select>",
        '<select id="sort" aria-label="Sort"><option value="list">List order</option>'
        '<option value="date">Newest first</option><option value="citations">Most cited</option>'
        '<option value="stars">Most stars</option></select>',
        "</div>",
        "</header>",
        "<main>",
    ]
    for k, name in enumerate(names):
        sid = f"section-{k + 1}"
        out.append(f'<section class="sec" id="{sid}"><h2>{_t(paths.get(name, name))}</h2><ol class="entries">')
        out.extend(_entry(e, i, sid) for i, e in groups[name])
        out.append("</ol></section>")
    out += [
        '<section id="flat" hidden><h2>All entries</h2><ol class="entries"></ol></section>',
        "</main>",
        f"<footer>Generated by lcllm from entries.toml · {len(entries)} entries</footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)
