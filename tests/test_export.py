"""dist/bibliography.json, dist/bibliography.bib and sources/*.yml, each read back by a reader we did not write.

* bibliography.json: the official CSL-JSON schema (jsonschema) and citeproc-py;
* bibliography.bib: pandoc where it is installed (bibtexparser: test_bibtex.py);
* sources/*.yml: pandoc, as a CSL-YAML bibliography, through the one-line wrapper the README gives.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb import cite

from conftest import MINI, ROOT

#: The README's wrapper: each source file becomes an item of one YAML list (files untouched).
WRAPPER = """for f in sources/*.yml; do sed -e 's/^/  /' -e '1s/^  /- /' "$f"; done > references.yaml"""


def csl_schema_path():
    """The official CSL-JSON schema: the current one (CSL 1.0.2) from $KB_CSL_SCHEMA or the project's
    shared reference copy beside the clone, else the CSL 1.0.1 copy that the citepy package ships
    (no package ships 1.0.2), so the check runs wherever the test extra is installed."""
    for candidate in (os.environ.get("KB_CSL_SCHEMA"), ROOT.parent / "shared/reference/csl-data.schema.json"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    try:
        from importlib.resources import files

        packaged = files("citepy") / "csl-data.json"
        if packaged.is_file():
            return Path(str(packaged))
    except ModuleNotFoundError:
        pass
    pytest.skip("no copy of the official CSL-JSON schema: pip install citepy, or set KB_CSL_SCHEMA to csl-data.json")


def pandoc():
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        path = shutil.which("pandoc")
    if not path:
        pytest.skip("pandoc not installed (pip install pypandoc-binary)")
    return path


@pytest.fixture(params=["mini", "real"])
def build(request, mini_build, real_build):
    return mini_build if request.param == "mini" else real_build


def exported(build, name):
    return build.outputs[0].parent / name


def test_csl_json_validates_against_the_official_schema(build):
    items = json.loads(exported(build, "bibliography.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == sorted(build.kb.sources)
    schema = json.loads(csl_schema_path().read_text(encoding="utf-8"))
    jsonschema.validate(items, schema, cls=jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator))


def test_csl_json_schema_check_can_fail(mini_build):
    schema = json.loads(csl_schema_path().read_text(encoding="utf-8"))
    items = json.loads(exported(mini_build, "bibliography.json").read_text(encoding="utf-8"))
    items[0]["type"] = "journal-article"  # a common mistake: CSL says article-journal
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(items, schema, cls=jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator))


@pytest.mark.parametrize("style", ["apa", "harvard", "chicago"])
def test_citeproc_formats_every_entry(build, style):
    items = json.loads(exported(build, "bibliography.json").read_text(encoding="utf-8"))
    entries = cite.bibliography(items, style=style, fmt="text")
    assert len(entries) == len(items)
    for item in items:
        assert any(item["title"][:20].lower() in e.lower() for e in entries), item["id"]


def pandoc_csl(args, cwd):
    out = subprocess.run([pandoc(), *args, "-t", "csljson"], cwd=cwd, capture_output=True, text=True, check=True)
    assert "[WARNING]" not in out.stderr, out.stderr
    return {i["id"]: i for i in json.loads(out.stdout)}


def family(name):
    """'de Graaff' whether written as one family name or (as pandoc reads it) particle and family."""
    return " ".join(p for p in (name.get("non-dropping-particle"), name.get("family"), name.get("literal")) if p)


def strip_nocase(text):
    return re.sub(r'<span class="nocase">(.*?)</span>', r"\1", text)


def straight(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def test_pandoc_reads_the_bibtex(build, tmp_path):
    items = pandoc_csl([str(exported(build, "bibliography.bib")), "-f", "bibtex"], tmp_path)
    assert sorted(items) == sorted(build.kb.sources)
    for source in build.kb.sources.values():
        # pandoc's BibTeX reader capitalises after a colon; the words are what matters
        # ... and typographic quotes (pandoc makes ' into ’); the words are what matters
        assert straight(strip_nocase(items[source.id]["title"])).lower() == straight(source.title).lower()
        assert items[source.id]["issued"]["date-parts"][0][0] == source.year


def test_pandoc_reads_the_csl_json(build, tmp_path):
    items = pandoc_csl([str(exported(build, "bibliography.json")), "-f", "csljson"], tmp_path)
    assert sorted(items) == sorted(build.kb.sources)


@pytest.mark.parametrize("root", [MINI, ROOT], ids=["mini", "real"])
def test_sources_work_as_a_pandoc_csl_yaml_bibliography(root, tmp_path):
    """The README's wrapper, run literally, then pandoc reads the list and formats a citation of every source."""
    pandoc_path = pandoc()
    work = tmp_path / "kb"
    shutil.copytree(root / "sources", work / "sources")
    subprocess.run(["bash", "-c", WRAPPER], cwd=work, check=True)
    references = work / "references.yaml"
    ids = sorted(p.stem for p in (work / "sources").glob("*.yml"))
    # 1. pandoc parses every file's fields (read back as CSL JSON)
    doc = work / "refs.md"
    doc.write_text("---\nreferences:\n" + references.read_text(encoding="utf-8") + "...\n", encoding="utf-8")
    items = pandoc_csl([str(doc), "-f", "markdown-smart"], work)
    assert sorted(items) == ids
    for path in (work / "sources").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert items[path.stem]["title"] == data["title"]
        assert items[path.stem]["type"] == data["type"]
        assert items[path.stem]["issued"]["date-parts"][0][0] == int(str(data["issued"])[:4])
        assert [family(a) for a in items[path.stem].get("author", [])] == [family(a) for a in data.get("author", [])]
    # 2. citeproc in pandoc finds and formats every source from the file itself
    paper = work / "paper.md"
    paper.write_text(" ".join(f"[@{i}]" for i in ids) + "\n", encoding="utf-8")
    out = subprocess.run([pandoc_path, str(paper), "--citeproc", "--bibliography", str(references), "-t", "plain"],
                         cwd=work, capture_output=True, text=True, check=True)
    assert "not found" not in out.stderr, out.stderr
    assert "?" not in out.stdout.split("\n\n")[0]


@pytest.mark.parametrize("which", ["mini", "real"])
def test_igraph_reads_the_graphml(which, mini_build, real_build):
    """igraph reads GraphML independently of networkx (whose writer made it), as Gephi or Cytoscape would."""
    igraph = pytest.importorskip("igraph", reason="igraph (test extra) reads GraphML independently of networkx")
    build = mini_build if which == "mini" else real_build
    graph = igraph.Graph.Read_GraphML(str(build.outputs[0].parent / "graph.graphml"))
    nodes = {v["id"]: v for v in graph.vs}
    for claim in build.kb.claims.values():
        assert nodes[f"claim:{claim.id}"]["text"] == claim.text
        assert nodes[f"claim:{claim.id}"]["position"] == claim.position
    for source in build.kb.sources:
        assert nodes[f"source:{source}"]["kind"] == "source"
    relations = {(graph.vs[e.source]["id"], graph.vs[e.target]["id"], e["type"]) for e in graph.es}
    for r in build.kb.relations:
        assert (f"claim:{r.source}", f"claim:{r.target}", r.type) in relations
    assert graph.is_directed()
