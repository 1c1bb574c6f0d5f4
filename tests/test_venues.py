"""``lcllm_cli.venues``: what the services call a venue, as the short canonical name and year people write."""

from __future__ import annotations

import pytest

from lcllm_cli import venues


@pytest.mark.parametrize(
    ("given", "short", "kind"),
    [
        ("Neural Information Processing Systems", "NeurIPS", "conference"),
        ("NIPS", "NeurIPS", "conference"),
        ("Advances in Neural Information Processing Systems 36", "NeurIPS", "conference"),
        ("International Conference on Learning Representations", "ICLR", "conference"),
        ("ICLR 2024", "ICLR", "conference"),
        ("International Conference on Machine Learning", "ICML", "conference"),
        ("Annual Meeting of the Association for Computational Linguistics", "ACL", "conference"),
        (
            "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics",
            "ACL",
            "conference",
        ),
        ("Conference on Empirical Methods in Natural Language Processing", "EMNLP", "conference"),
        ("Findings of the Association for Computational Linguistics: EMNLP 2023", "Findings of EMNLP", "conference"),
        ("North American Chapter of the Association for Computational Linguistics", "NAACL", "conference"),
        ("Computer Vision and Pattern Recognition", "CVPR", "conference"),
        ("2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", "CVPR", "conference"),
        ("IEEE International Conference on Computer Vision", "ICCV", "conference"),
        ("European Conference on Computer Vision", "ECCV", "conference"),
        ("AAAI Conference on Artificial Intelligence", "AAAI", "conference"),
        ("International Joint Conference on Artificial Intelligence", "IJCAI", "conference"),
        ("Conference on Language Modeling", "COLM", "conference"),
        ("Transactions of the Association for Computational Linguistics", "TACL", "journal"),
        ("Transactions of the ACL", "TACL", "journal"),  # not the ACL conference, though it ends in "ACL"
        ("Journal of machine learning research", "JMLR", "journal"),
        ("Trans. Mach. Learn. Res.", "Trans. Mach. Learn. Res.", None),  # not in the table: kept as given
        ("Transactions on Machine Learning Research", "TMLR", "journal"),
        ("Nature", "Nature", "journal"),
        ("Science", "Science", "journal"),
    ],
)
def test_the_table_maps_service_names_to_canonical_ones(given: str, short: str, kind: str | None) -> None:
    found = venues.canonical(given)
    assert found is not None and (found.name, found.kind) == (short, kind)


def test_alternate_names_are_tried_when_the_name_is_unknown() -> None:
    found = venues.canonical("Int Conf Learn Represent", ("ICLR",))
    assert found is not None and found.name == "ICLR"


@pytest.mark.parametrize(
    "noise",
    ["arXiv.org", "ArXiv", "arXiv", "CoRR", "bioRxiv", "bioRxiv : the preprint server for biology", "SSRN", "", " "],
)
def test_preprint_servers_are_never_a_venue(noise: str) -> None:
    assert venues.is_preprint(noise)
    assert venues.canonical(noise) is None


def test_unknown_venues_and_workshops_are_kept_as_given() -> None:
    odd = venues.canonical("Journal of   Obscure Studies")
    assert odd is not None and (odd.name, odd.known) == ("Journal of Obscure Studies", False)
    workshop = venues.canonical("ICLR 2024 Workshop on Mathematical and Empirical Understanding of Foundation Models")
    assert workshop is not None and workshop.name.startswith("ICLR 2024 Workshop") and not workshop.known
    # a name that only resembles a known one is not taken for it
    icmla = venues.canonical("International Conference on Machine Learning and Applications")
    assert icmla is not None and icmla.name != "ICML"
    assert venues.canonical("Nature Communications").name == "Nature Communications"  # type: ignore[union-attr]


def test_labels_carry_the_year_once() -> None:
    assert venues.label("ICLR", 2024) == "ICLR 2024"
    assert venues.label("ICLR", None) == "ICLR"
    assert venues.label("Workshop X 2023", 2023) == "Workshop X 2023"


def s2_record(**kw: object) -> dict[str, object]:
    return dict(kw)


def test_an_s2_conference_record_gives_name_and_the_year_of_the_venue() -> None:
    record = s2_record(
        venue="International Conference on Learning Representations",
        publicationVenue={"name": "International Conference on Learning Representations", "type": "conference"},
        journal={"name": "ArXiv", "volume": "abs/2309.00071"},  # the preprint's "journal": not a volume
        year=2023,  # the preprint's year
        publicationTypes=["JournalArticle"],
        externalIds={"ArXiv": "2309.00071", "DBLP": "conf/iclr/PengQFS24"},
    )
    found = venues.from_s2(record)
    assert found is not None
    assert (found.venue, found.kind, found.year, found.label) == ("ICLR", "conference", 2024, "ICLR 2024")
    assert (found.volume, found.pages, found.doi) == (None, None, None)


def test_an_s2_journal_record_gives_volume_pages_and_doi() -> None:
    record = s2_record(
        venue="Transactions of the Association for Computational Linguistics",
        publicationVenue={"name": "Transactions of the Association for Computational Linguistics", "type": "journal"},
        journal={
            "name": "Transactions of the Association for Computational Linguistics",
            "volume": "12",
            "pages": "157-173",
        },
        year=2024,
        externalIds={"ArXiv": "2307.03172", "DOI": "10.1162/tacl_a_00638", "DBLP": "journals/tacl/LiuLHPBPL24"},
    )
    found = venues.from_s2(record)
    assert found is not None
    assert (found.venue, found.kind, found.year) == ("TACL", "journal", 2024)
    assert (found.volume, found.pages, found.doi) == ("12", "157-173", "10.1162/tacl_a_00638")


def test_an_s2_preprint_record_is_no_venue() -> None:
    record = s2_record(
        venue="arXiv.org",
        publicationVenue={"name": "arXiv.org", "alternate_names": ["ArXiv"]},
        journal={"name": "ArXiv", "volume": "abs/2402.13753"},
        year=2024,
        publicationTypes=["JournalArticle"],
        externalIds={"ArXiv": "2402.13753", "DBLP": "journals/corr/abs-2402-13753", "DOI": "10.48550/arXiv.2402.13753"},
    )
    assert venues.from_s2(record) is None
    assert venues.from_s2({}) is None


def test_the_year_comes_from_an_acl_id_else_the_record() -> None:
    found = venues.from_s2(
        {
            "venue": "Annual Meeting of the Association for Computational Linguistics",
            "year": 2023,
            "externalIds": {"ACL": "2024.acl-long.12"},
        }
    )
    assert found is not None and found.label == "ACL 2024"
    plain = venues.from_s2({"venue": "Neural Information Processing Systems", "year": 2023})
    assert plain is not None and plain.label == "NeurIPS 2023"
    unknown = venues.from_s2({"venue": "Some Symposium", "publicationTypes": ["Conference"], "year": 2022})
    assert unknown is not None and (unknown.venue, unknown.kind, unknown.label) == (
        "Some Symposium",
        "conference",
        "Some Symposium 2022",
    )


def test_csl_records_of_conferences_and_journals() -> None:
    conf = venues.from_csl(
        {
            "type": "paper-conference",
            "container-title": "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing",
            "issued": {"date-parts": [[2023, 12]]},
            "page": "100-110",
        },
        "10.18653/v1/2023.emnlp-main.1",
    )
    assert conf is not None and (conf.label, conf.kind, conf.pages) == ("EMNLP 2023", "conference", "100-110")
    journal = venues.from_csl(
        {"type": "article-journal", "container-title": ["Nature"], "volume": "620", "issued": {"date-parts": [[2023]]}},
        "10.1038/s41586-023-00000-0",
    )
    assert journal is not None and (journal.label, journal.volume) == ("Nature 2023", "620")
    arxiv = venues.from_csl({"type": "article", "publisher": "arXiv"}, "10.48550/arXiv.2402.13753")
    assert arxiv is None


@pytest.mark.parametrize(
    ("venue", "label"),
    [
        ("ICLR 2024 poster", "ICLR 2024"),
        ("NeurIPS 2023 oral", "NeurIPS 2023"),
        ("ICLR 2025 Spotlight", "ICLR 2025"),
        ("Submitted to ICLR 2025", None),
        ("ICLR 2024 Conference Withdrawn Submission", None),
        ("Rejected by ICML 2024", None),
        (None, None),
    ],
)
def test_openreview_venues_count_only_when_accepted(venue: str | None, label: str | None) -> None:
    found = venues.from_openreview(venue)
    assert (found.label if found else None) == label
