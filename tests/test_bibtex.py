"""kb.bibtex: dist/bibliography.bib parsed back by bibtexparser, with the right entry types, fields and escaping."""
from __future__ import annotations

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

from test_export import build, exported  # noqa: F401 - the shared fixture and helper


def read_bib(build):
    text = exported(build, "bibliography.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, library.failed_blocks
    return {e.key: e for e in library.entries}


def test_bibtex_parses_with_the_right_fields(build):
    entries = read_bib(build)
    assert sorted(entries) == sorted(build.kb.sources)
    for source in build.kb.sources.values():
        entry = entries[source.id]
        fields = entry.fields_dict
        assert fields["title"].value.replace("{", "").replace("}", "") == source.title
        assert fields["year"].value == str(source.year)
        if source.authors:
            families = [a.family or a.literal for a in source.authors]
            for family in families:
                assert family in fields["author"].value
        if source.csl.get("DOI"):
            assert fields["doi"].value == source.csl["DOI"]
        if source.csl.get("URL"):
            assert fields["url"].value == source.csl["URL"]


def test_bibtex_types_and_fields_of_the_fixture(mini_build):
    entries = read_bib(mini_build)
    assert entries["smith-2020-cities"].entry_type == "article"
    assert entries["smith-2020-cities"]["journal"] == "Journal of Tests"
    assert entries["smith-2020-cities"]["pages"] == "10–20"  # "10--20", decoded from LaTeX
    assert entries["smith-2020-cities"]["author"] == "Smith, Ann and de Groot, Henk"
    assert entries["jones-2019-chapter"].entry_type == "incollection"
    assert entries["jones-2019-chapter"]["booktitle"] == "Handbook of Places"
    assert entries["jones-2019-chapter"]["editor"] == "Lee, Cy"
    assert entries["agency-2021-report"].entry_type == "techreport"
    assert entries["agency-2021-report"]["institution"] == "Regional Agency"
    assert entries["agency-2021-report"]["author"] == "Regional Agency"
    raw = exported(mini_build, "bibliography.bib").read_text(encoding="utf-8")
    assert "author = {{Regional Agency}}," in raw  # braced: one organisation, not Agency, Regional


def test_bibtex_escapes_latex_specials(project):
    path = project / "sources" / "agency-2021-report.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: A report on places", 'title: "Places & people: 100% of the OECD, #1 in Zürich_"'), encoding="utf-8")
    from kb import pipeline

    result = pipeline.build(project)
    text = (project / "dist" / "bibliography.bib").read_text(encoding="utf-8")
    assert r"Places \& people: 100\% of the {OECD}, \#1 in Zürich\_" in text
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    entry = {e.key: e for e in library.entries}["agency-2021-report"]
    assert entry["title"].replace("{", "").replace("}", "") == "Places & people: 100% of the OECD, #1 in Zürich_"
    assert result.outputs
