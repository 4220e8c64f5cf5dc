"""One test per validation rule, each pinned to the exact ``path:line:col`` and message."""
from __future__ import annotations

import pytest

from conftest import diagnostics, write
from kb import pipeline

HEAD = "title: Extra\nclaims:\n"


def claim(claim_id: str = "a-claim", text: str = "A claim.", kind: str = "causal", themes: str = "[cities]",
          attributed: bool = True) -> str:
    lines = f"  - id: {claim_id}\n    text: {text}\n    position: agglomeration\n    kind: {kind}\n    themes: {themes}\n"
    if attributed:
        lines += "    attributed_to: [{source: smith-2020-cities}]\n"
    return lines


BOOK = "id: x\ntype: book\ntitle: T\nissued: 2001\nverified: false\n"
UNCITED = "sources/x.yml:1:1: warning: source 'x' is cited nowhere (attribute a claim or an evidence item to it, or remove it)"

# (rule, file, content, every diagnostic expected, in order)
CASES = [
    ("yaml-syntax", "sources/x.yml", "id: x\n  title: [\n", [
        "sources/x.yml:2:8: error: YAML syntax error: mapping values are not allowed in this context "
        "(a value containing ': ' must be quoted, or the indentation is off)"]),
    ("duplicate-key", "claims/extra.yml", HEAD + claim() + "    kind: empirical\n", [
        "claims/extra.yml:9:5: error: duplicate key 'kind' (first at line 6) "
        "(YAML would silently keep only the last one; remove or rename one of them)"]),
    ("unknown-field", "claims/extra.yml", HEAD + claim() + "    evidance: []\n", [
        "claims/extra.yml:9:5: error: unknown field 'evidance' in claim 'a-claim' (did you mean 'evidence'?)"]),
    ("missing-required", "claims/extra.yml",
     HEAD + "  - id: a-claim\n    text: A claim.\n    position: agglomeration\n    themes: [cities]\n"
     "    attributed_to: [{source: smith-2020-cities}]\n", [
        "claims/extra.yml:3:5: error: claim 'a-claim' is missing required field 'kind' "
        "(What sort of claim it is. One of: empirical, causal, normative, prescriptive, conceptual)"]),
    ("wrong-type", "claims/extra.yml", HEAD + claim() + "    supports: cities-drive-growth\n", [
        "claims/extra.yml:9:15: error: 'supports' of claim 'a-claim' should be a list, not text "
        "(Claims this claim gives a reason for.)"]),
    ("invalid-enum", "claims/extra.yml", HEAD + claim(kind="casual"), [
        "claims/extra.yml:6:11: error: 'casual' is not a valid kind for claim 'a-claim' (did you mean 'causal'?)"]),
    ("invalid-id", "claims/extra.yml", HEAD + claim("A_Claim"), [
        "claims/extra.yml:3:9: error: invalid id 'A_Claim' "
        "(ids are lowercase slugs of letters, digits and hyphens, e.g. agglomeration-raises-productivity)"]),
    ("duplicate-id-across-files", "claims/extra.yml", HEAD + claim("back-big-cities"), [
        "claims/main.yml:51:9: error: duplicate claim id 'back-big-cities' (first in claims/extra.yml:3) "
        "(claim ids are global; choose a new id for one of them)"]),
    ("id-does-not-match-file", "sources/other-name.yml", BOOK.replace("id: x", "id: some-name"), [
        "sources/other-name.yml:1:5: error: source id 'some-name' does not match its file name 'other-name.yml' "
        "(rename the file to some-name.yml, or set id: other-name)",
        "sources/other-name.yml:1:1: warning: source 'some-name' is cited nowhere "
        "(attribute a claim or an evidence item to it, or remove it)"]),
    ("dangling-source", "claims/extra.yml", HEAD + claim().replace("smith-2020-cities", "smith-2020-citys"), [
        "claims/extra.yml:8:30: error: claim 'a-claim' cites unknown source 'smith-2020-citys' "
        "(did you mean 'smith-2020-cities'?)"]),
    ("dangling-claim", "claims/extra.yml", HEAD + claim() + "    supports: [back-big-citys]\n", [
        "claims/extra.yml:9:16: error: claim 'a-claim' refers to unknown claim 'back-big-citys' "
        "(did you mean 'back-big-cities'?)"]),
    ("dangling-theme", "claims/extra.yml", HEAD + claim(themes="[cites]"), [
        "claims/extra.yml:7:14: error: claim 'a-claim' uses unknown theme 'cites' (did you mean 'cities'?)"]),
    ("dangling-design", "claims/extra.yml", HEAD + claim() + "    evidence:\n"
     "      - {source: smith-2020-cities, finding: F., design: metaanalysis, direction: supports}\n", [
        "claims/extra.yml:10:58: error: evidence item 1 of claim 'a-claim' uses unknown design 'metaanalysis' "
        "(did you mean 'meta-analysis'?)"]),
    ("retired-reference", "claims/extra.yml", HEAD + claim() + "    supports: [old-claim-id]\n", [
        "claims/extra.yml:9:16: error: claim 'a-claim' refers to retired claim 'old-claim-id' "
        "(it was replaced by 'growth-needs-institutions'; refer to that instead)"]),
    ("replaced-by-cycle", "claims/extra.yml", HEAD + "  - {id: ping, replaced_by: pong}\n  - {id: pong, replaced_by: ping}\n", [
        "claims/extra.yml:3:5: error: replaced_by of 'ping' goes round in a circle (point it at a live claim)",
        "claims/extra.yml:4:5: error: replaced_by of 'pong' goes round in a circle (point it at a live claim)"]),
    ("self-relation", "claims/extra.yml", HEAD + claim() + "    attacks: [{claim: a-claim, type: rebut}]\n", [
        "claims/extra.yml:9:23: error: claim 'a-claim' attacks (rebut) itself (a relation needs two different claims)"]),
    ("supports-and-attacks", "claims/extra.yml",
     HEAD + claim() + "    supports: [back-big-cities]\n    attacks: [{claim: back-big-cities, type: rebut}]\n", [
        "claims/extra.yml:10:23: error: claim 'a-claim' both supports and attacks 'back-big-cities' "
        "(split it into two claims, or use qualifies)"]),
    ("malformed-doi", "sources/x.yml", BOOK + "DOI: doi:10.1/2\n", [
        "sources/x.yml:6:6: error: malformed DOI 'doi:10.1/2' in source 'x' "
        "(write the bare DOI, e.g. 10.1080/00343404.2023.2168260, without 'https://doi.org/')", UNCITED]),
    ("year-out-of-range", "sources/x.yml", BOOK.replace("2001", "2201"), [
        "sources/x.yml:4:9: error: year 2201 of source 'x' is out of range "
        "(expected a year between 1500 and next year; check for a typo)", UNCITED]),
    ("verified-true", "sources/x.yml", BOOK.replace("false", "true"), [
        "sources/x.yml:5:11: error: 'verified: true' in source 'x' does not say how the metadata was checked "
        "(write where you checked it (a URL or catalogue record), or false if you could not)", UNCITED]),
    ("name-without-family", "sources/x.yml", BOOK + "author:\n  - {given: Ann}\n", [
        "sources/x.yml:7:5: error: a name in source 'x' needs 'family' (a person) or 'literal' (an organisation) "
        "(e.g. {family: Bailey, given: David} or {literal: World Bank})", UNCITED]),
    ("sms-out-of-range", "claims/extra.yml", HEAD + claim() + "    evidence:\n      - {source: smith-2020-cities, "
     "finding: F., design: meta-analysis, direction: supports, sms: 6}\n", [
        "claims/extra.yml:10:99: error: SMS level 6 of evidence item 1 of claim 'a-claim' is outside the Maryland "
        "Scientific Methods Scale 1-5 (1 = correlation at one point in time ... 5 = randomised controlled trial)"]),
    ("figure-without-value", "claims/extra.yml", HEAD + claim() + "    evidence:\n      - source: smith-2020-cities\n"
     "        finding: F.\n        design: meta-analysis\n        direction: supports\n"
     "        figure: {unit: percent, measure: growth}\n", [
        "claims/extra.yml:14:17: error: figure of evidence item 1 of claim 'a-claim' needs a value, or both low and high "
        "(e.g. {value: 0.04, unit: elasticity, measure: ...})"]),
    ("quote-too-long", "claims/extra.yml", HEAD + claim().replace(
        "{source: smith-2020-cities}", "{source: smith-2020-cities, quote: one two three four five six seven eight}"), [
        "claims/extra.yml:8:56: error: quote in claim 'a-claim' has 8 words; at most 7 are allowed "
        "(quote only a short distinctive phrase; say the rest in your own words in 'text')"]),
    ("attack-type-at-top-level", "claims/extra.yml", HEAD + claim() + "    attack_type: rebut\n", [
        "claims/extra.yml:9:5: error: attack_type in top-level claim 'a-claim' has nothing to attack "
        "(attack_type only applies to a nested counterargument or response; "
        "otherwise use attacks: [{claim: ..., type: ...}])"]),
    ("empty-file", "sources/x.yml", "# nothing here\n", [
        "sources/x.yml:1:1: error: file is empty (write at least the required fields, or delete the file)"]),
    ("non-mapping-file", "claims/extra.yml", "- id: a\n- id: b\n", [
        "claims/extra.yml:1:1: error: expected a mapping of 'field: value' lines at the top of the file, found a list "
        "(see the README section 'Writing entries' for the layout of this kind of file)"]),
    ("two-documents", "sources/x.yml", "id: x\n---\nid: y\n", [
        "sources/x.yml:3:1: error: file holds more than one YAML document ('---') (keep one document per file)"]),
    ("non-utf8", "sources/x.yml", b"id: x\ntitle: Caf\xe9\n", [
        "sources/x.yml:2:11: error: file is not valid UTF-8 (byte 0xE9 cannot be decoded) (save the file with UTF-8 encoding)"]),
    ("unknown-vocabulary", "vocab/colours.yml", "terms:\n  - {id: red, name: Red, description: Red.}\n", [
        "vocab/colours.yml:1:1: error: unknown vocabulary 'colours' "
        "(expected one of: concepts, designs, places, positions, themes)"]),
    # concept vocabulary and place gazetteer (kb.nlp looks for their phrases in the text)
    ("concept-unknown-theme", "vocab/concepts.yml",
     "terms:\n  - {id: a, label: A, description: D., theme: citys, patterns: [aa]}\n", [
        "vocab/concepts.yml:2:47: error: concept 'a' uses unknown theme 'citys' (did you mean 'cities'?)"]),
    ("concept-phrase-twice", "vocab/concepts.yml",
     "terms:\n  - {id: a, label: A, description: D., patterns: [Dense City]}\n"
     "  - {id: b, label: B, description: D., patterns: [dense-city]}\n", [
        "vocab/concepts.yml:3:51: error: 'dense-city' of concept 'b' already names concept 'a' (line 2) "
        "(a phrase can point to one concept only; remove it from one of them)"]),
    ("concept-missing-patterns", "vocab/concepts.yml", "terms:\n  - {id: a, label: A, description: D.}\n", [
        "vocab/concepts.yml:2:5: error: concept 'a' is missing required field 'patterns' (Phrases matched on lemmas, "
        "ignoring case: 'knowledge spillover' also finds 'Knowledge spillovers'. Hyphens count as spaces.)"]),
    ("place-within-unknown", "vocab/places.yml",
     "terms:\n  - {id: a, label: A, kind: city, within: [englnd]}\n  - {id: england, label: England, kind: nation}\n", [
        "vocab/places.yml:2:44: error: place 'a' is within unknown place 'englnd' (did you mean 'england'?)"]),
    ("place-within-itself", "vocab/places.yml", "terms:\n  - {id: a, label: A, kind: city, within: [a]}\n", [
        "vocab/places.yml:2:44: error: place 'a' is within itself (list the places that contain it)"]),
    ("place-within-cycle", "vocab/places.yml",
     "terms:\n  - {id: a, label: A, kind: city, within: [b]}\n  - {id: b, label: B, kind: region, within: [c]}\n"
     "  - {id: c, label: C, kind: nation, within: [a]}\n", [
        "vocab/places.yml:2:5: error: places are within each other in a circle: a -> b -> c -> a "
        "(a place cannot be within a place it contains)"]),
    ("place-invalid-kind", "vocab/places.yml", "terms:\n  - {id: a, label: A, kind: town}\n", [
        "vocab/places.yml:2:29: error: 'town' is not a valid kind for place 'a' "
        "(expected one of: bloc, city, city-region, country, county, macro-region, nation, region, world-region)"]),
    ("place-phrase-twice", "vocab/places.yml",
     "terms:\n  - {id: a, label: Northtown, kind: city}\n  - {id: b, label: B, kind: city, patterns: [Northtown]}\n", [
        "vocab/places.yml:3:46: error: 'Northtown' of place 'b' already names place 'a' (line 2) "
        "(a phrase can point to one place only; remove it from one of them)"]),
    # warnings: reported, but the build still succeeds
    ("warning-support-cycle", "claims/extra.yml",
     HEAD + claim() + "    supports: [b-claim]\n" + claim("b-claim") + "    supports: [a-claim]\n", [
        "claims/extra.yml:3:5: warning: claims support each other in a circle: a-claim -> b-claim -> a-claim "
        "(circular support lends no claim any weight; break the cycle)"]),
    ("warning-uncited-source", "sources/x.yml", BOOK, [UNCITED]),
    ("warning-no-attribution", "claims/extra.yml", HEAD + claim(attributed=False), [
        "claims/extra.yml:3:5: warning: claim 'a-claim' has no attribution "
        "(add attributed_to: [{source: ..., locator: ...}])"]),
    ("warning-draft-notes", "claims/extra.yml", HEAD + claim() + "    # kb-draft-note: the source's own words\n", [
        "claims/extra.yml:9:5: warning: kb draft's notes still quote the source here (1 line marked 'kb-draft-note') "
        "(write each claim in your own words, then delete the notes: the source's sentences must not stay in claims/)"]),
    ("warning-two-sentences", "claims/extra.yml", HEAD + claim(text="One thing. Another thing."), [
        "claims/extra.yml:4:11: warning: text of claim 'a-claim' looks like more than one sentence "
        "(keep 'text' to one sentence and move the detail to 'summary')"]),
]


@pytest.mark.parametrize("rule,relpath,content,expected", CASES, ids=[c[0] for c in CASES])
def test_rule(project, rule, relpath, content, expected):
    path = project / relpath
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write(project, relpath, content)
    assert diagnostics(project) == expected


def test_fixture_is_clean(project):
    assert diagnostics(project) == []


def test_missing_vocabulary(project):
    (project / "vocab" / "designs.yml").unlink()
    assert diagnostics(project) == [
        "vocab/designs.yml:1:1: error: missing vocabulary file vocab/designs.yml "
        "(every project needs positions, themes and designs)"
    ]


def test_every_error_at_once(project):
    """A duplicate key and a dangling reference in one file: both reported in one run."""
    write(project, "claims/extra.yml", HEAD + claim() + "    text: Again.\n    supports: [nowhere]\n")
    found = [d for d in diagnostics(project) if ": error:" in d]
    assert [d.split(": error:")[0] for d in found] == ["claims/extra.yml:9:5", "claims/extra.yml:10:16"]


def test_nested_claims_become_claims_with_attacks(project):
    kb, report = pipeline.check(project)
    assert report.ok
    assert kb.claims["places-differ"].parent == "cities-drive-growth"
    assert kb.claims["differences-are-sorting"].parent == "places-differ"
    attacks = {(r.source, r.target, r.type) for r in kb.relations if r.is_attack}
    assert attacks == {
        ("places-differ", "cities-drive-growth", "rebut"),
        ("differences-are-sorting", "places-differ", "undermine"),
        ("growth-needs-institutions", "back-big-cities", "undercut"),
    }


def test_evidence_ids_default_to_claim_and_position(project):
    kb, _ = pipeline.check(project)
    assert [e.id for e in kb.claims["cities-drive-growth"].evidence] == ["smith-elasticity", "cities-drive-growth-e2"]


def test_retired_claim_resolves(project):
    kb, _ = pipeline.check(project)
    assert kb.resolve("old-claim-id") == "growth-needs-institutions"
    assert kb.resolve("no-such-claim") is None
