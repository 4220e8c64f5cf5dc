"""Argument maps drawn from real built databases: structure, styles, layout at scale, escaping."""
from __future__ import annotations

import doctest
import re
import sqlite3
import xml.etree.ElementTree as ET

import pytest

import kb.argmap
from kb import pipeline
from kb.argmap import EDGE_STYLES, NODE_WIDTH, PAD, render_svg, text_width
from kb.argument import Argument, Attribution, EvidenceItem, Node, load_argument
from synthetic import write_large

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def test_doctests():
    assert doctest.testmod(kb.argmap).failed == 0


def argument(build, claim_id) -> Argument:
    return load_argument(sqlite3.connect(build.outputs[0]), claim_id)


def parse(svg: str) -> ET.Element:
    """The SVG must be a standalone, well-formed SVG document."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def nodes(tree: ET.Element):
    return {g.get("data-claim") or g.get("data-evidence"): g for g in tree.iter(SVG + "g") if "kbam-node" in (g.get("class") or "").split()}


def edges(tree: ET.Element):
    return {(g.get("data-from"), g.get("data-to"), g.get("data-relation")): g for g in tree.iter(SVG + "g") if "kbam-edge" in (g.get("class") or "").split()}


def links(tree: ET.Element):
    return {a.get("href"): a for a in tree.iter(SVG + "a")}


@pytest.fixture(scope="module")
def large_build(tmp_path_factory):
    root = write_large(tmp_path_factory.mktemp("large") / "project")
    return pipeline.build(root, root / "dist")


def test_map_has_every_claim_evidence_item_and_edge(mini_build):
    arg = argument(mini_build, "cities-drive-growth")
    tree = parse(render_svg(arg))
    claims = {n.id for n in arg.nodes()}
    evidence = {e.id for n in arg.nodes() for e in n.evidence}
    assert set(nodes(tree)) == claims | evidence
    expected = set(arg.edges()) | {
        (e.id, n.id, "evidence-" + e.direction) for n in arg.nodes() for e in n.evidence
    }
    assert set(edges(tree)) == expected
    assert ("places-differ", "cities-drive-growth", "rebut") in expected
    assert ("cities-drive-growth-e2", "cities-drive-growth", "evidence-challenges") in expected


def test_every_node_links_to_its_page(mini_build):
    tree = parse(render_svg(argument(mini_build, "cities-drive-growth")))
    hrefs = links(tree)
    for claim in ("cities-drive-growth", "places-differ", "differences-are-sorting", "back-big-cities"):
        a = hrefs[f"/kb/claims/{claim}"]
        assert a.get(XLINK + "href") == f"/kb/claims/{claim}"
        assert a.find(SVG + "g").get("data-claim") == claim
    assert "/kb/evidence/smith-elasticity" in hrefs


def test_custom_href_and_evidence_links(mini_build):
    arg = argument(mini_build, "cities-drive-growth")
    tree = parse(render_svg(arg, href=lambda cid: f"https://example.org/c/{cid}"))
    hrefs = links(tree)
    assert "https://example.org/c/places-differ" in hrefs
    assert not any("/evidence/" in h for h in hrefs)  # no page known for evidence: not a link
    tree = parse(render_svg(arg, href=lambda cid: f"#{cid}", evidence_href=lambda eid: f"#ev-{eid}"))
    assert {"#places-differ", "#ev-smith-elasticity"} <= set(links(tree))


def test_targets_shown_for_context(mini_build):
    arg = argument(mini_build, "growth-needs-institutions")
    tree = parse(render_svg(arg))
    found = edges(tree)
    assert ("growth-needs-institutions", "cities-drive-growth", "qualifies") in found
    assert ("growth-needs-institutions", "back-big-cities", "undercut") in found
    assert "kbam-target" in nodes(tree)["back-big-cities"].get("class")


def stroke(group: ET.Element):
    path = group.find(SVG + "path")
    return path.get("stroke"), path.get("stroke-dasharray"), path.get("marker-end").split("-m-")[1]


def test_support_attack_and_undercut_drawn_differently(real_build, mini_build):
    tree = parse(render_svg(argument(real_build, "industrial-strategy-should-be-place-sensitive")))
    found = edges(tree)
    rebut = stroke(found[("spatial-targeting-welfare-ambiguous", "industrial-strategy-should-be-place-sensitive", "rebut")])
    undercut = stroke(found[("welfare-test-too-narrow", "spatial-targeting-welfare-ambiguous", "undercut")])
    support = stroke(found[("industrial-strategy-should-be-place-sensitive", "agglomeration-orthodoxy-inadequate", "supports")])
    undermine = stroke(parse(render_svg(argument(mini_build, "places-differ"))).find(f".//{SVG}g[@data-relation='undermine']"))
    styles = [support, rebut, undercut, undermine]
    assert len({s[0] for s in styles}) == 4  # four colours
    assert len({s[1] for s in styles}) == 3  # support and rebut solid; undercut and undermine each dashed their own way
    assert len({s[2] for s in styles}) == 4  # each its own end marker (ids are per relation)
    # and each edge says what it is in words, for black-and-white handouts
    labels = {"".join(g.find(SVG + "text").itertext()) for g in found.values()}
    assert {"rebuts", "undercuts", "supports"} <= labels


def test_legend_explains_every_edge_and_position(real_build):
    arg = argument(real_build, "agglomeration-orthodoxy-inadequate")
    tree = parse(render_svg(arg))
    legend = tree.find(f".//{SVG}g[@class='kbam-legend']")
    assert {g.get("data-relation") for g in legend.iter(SVG + "g") if g.get("data-relation")} == set(EDGE_STYLES)
    assert {g.get("data-position") for g in legend.iter(SVG + "g") if g.get("data-position")} == set(arg.positions)
    text = " ".join(legend.itertext())
    assert "undercuts: says it does not follow from its reasons" in text


def boxes(tree: ET.Element):
    out = []
    for g in nodes(tree).values():
        rect = g.find(SVG + "rect")
        out.append((float(rect.get("x")), float(rect.get("y")), float(rect.get("width")), float(rect.get("height")), g))
    return out


def test_large_map_readable_at_30_plus_nodes(large_build):
    arg = argument(large_build, "synthetic-claim-0")
    tree = parse(render_svg(arg))
    placed = boxes(tree)
    assert len(placed) >= 30
    assert len(edges(tree)) == len(placed) - 1
    width, height = float(tree.get("width")), float(tree.get("height"))
    for i, (x, y, w, h, _) in enumerate(placed):
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
        for (x2, y2, w2, h2, _) in placed[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "boxes overlap"
    # text is wrapped to its box, at a readable size, never shrunk to fit
    for _, _, _, _, g in placed:
        for text in g.iter(SVG + "text"):
            size = float(text.get("font-size"))
            assert size >= 10
            for line in text.iter(SVG + "tspan"):
                assert text_width(line.text or "", size, text.get("font-weight") == "bold") <= NODE_WIDTH - 2 * PAD
    assert width < 1500  # grows downwards, not sideways


def test_deterministic(real_build):
    arg = argument(real_build, "agglomeration-orthodoxy-inadequate")
    assert render_svg(arg) == render_svg(argument(real_build, "agglomeration-orthodoxy-inadequate"))


def hostile() -> Argument:
    root = Node("evil", '<script>alert("x")</script> & "quotes"', "pos", "causal", relation=None,
                attributions=[Attribution("src")])
    root.children.append(Node("child", "javascript:alert(1) <img src=x onerror=alert(1)>", "pos", "causal", relation="rebut"))
    root.evidence.append(EvidenceItem("ev", "src", "<b>bold</b>", "d", "Design <i>", True, "supports"))
    return Argument(root, sources={"src": {"id": "src", "title": "<svg onload=alert(1)>", "year": 2020, "csl": {}}},
                    positions={"pos": "Pos </text><script>"})


def test_strings_are_escaped_and_bad_links_dropped():
    svg = render_svg(hostile(), href=lambda cid: "javascript:alert(1)" if cid == "child" else f"/kb/claims/{cid}")
    tree = parse(svg)
    assert not list(tree.iter(SVG + "script")) and not list(tree.iter(SVG + "img"))
    assert "<script>" not in svg and "<b>" not in svg and "onload=alert" not in svg.replace("&lt;svg onload=alert", "")
    texts = " ".join(tree.itertext())
    assert '<script>alert("x")</script>' in texts  # shown as text
    assert "javascript:" not in "".join(links(tree))
    assert set(links(tree)) == {"/kb/claims/evil"}


def test_no_stylesheet_no_external_assets_unique_ids(mini_build):
    one = render_svg(argument(mini_build, "cities-drive-growth"))
    two = render_svg(argument(mini_build, "places-differ"))
    for svg in (one, two):
        assert "<style" not in svg and not re.search(r"\sstyle=", svg)  # satisfies a strict CSP when inlined
        assert not re.search(r'(href|src)="(https?:)?//', svg)  # nothing fetched
    ids_one = set(re.findall(r' id="([^"]+)"', one))
    ids_two = set(re.findall(r' id="([^"]+)"', two))
    assert ids_one and not ids_one & ids_two  # two maps can share one HTML page
    markers = set(re.findall(r'url\(#([^)]+)\)', one))
    assert markers <= ids_one
