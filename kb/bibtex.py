"""BibTeX: our sources as a ``.bib`` file for LaTeX, Zotero, JabRef and Pandoc.

Each source becomes one entry whose key is the source id, so ``\\cite{glaeser-2008-place-making}``
and ``[@glaeser-2008-place-making]`` name the same work as the knowledge base.
CSL types map onto the classic BibTeX entry types (a blog post becomes
``@misc`` with ``howpublished``). The file is UTF-8, as biber, Pandoc, Zotero
and JabRef read it: only LaTeX's special characters are escaped (``&`` becomes
``\\&``), not accents or dashes, whose LaTeX macros Pandoc would misread; DOIs
and URLs are left verbatim for LaTeX's url handling. Words with two or more capitals (``UK``,
``OECD``) are braced so that styles which lower-case titles leave them alone.
bibtexparser writes the file.

>>> print(entries([{"id": "smith-2020", "type": "book", "title": "Cities of the UK & beyond",
...     "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2020]]}}]), end="")
@book{smith-2020,
  author = {Smith, Ann},
  title = {Cities of the {UK} \\& beyond},
  year = {2020},
}
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import bibtexparser
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.model import Entry, Field

#: CSL type -> BibTeX entry type
TYPES: Dict[str, str] = {
    "article": "article", "article-journal": "article", "article-magazine": "article",
    "article-newspaper": "article", "review": "article", "review-book": "article",
    "book": "book", "classic": "book", "collection": "book", "periodical": "book",
    "chapter": "incollection", "entry": "incollection", "entry-dictionary": "incollection",
    "entry-encyclopedia": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport", "standard": "techreport",
    "thesis": "phdthesis",
    "manuscript": "unpublished",
}
#: Where a work's container goes, by entry type ('journal' for articles, 'booktitle' for chapters ...).
CONTAINER = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
VERBATIM = {"doi", "url", "urldate", "isbn"}

#: LaTeX's special characters and how to write them in text.
SPECIALS = {
    "\\": r"{\textbackslash}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"{\textasciitilde}", "^": r"{\textasciicircum}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in SPECIALS))
_ACRONYM = re.compile(r"(?<![\w{\\])([A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?![\w}])")


def _latex(text: str) -> str:
    return _SPECIAL.sub(lambda m: SPECIALS[m.group(0)], " ".join(str(text).split()))


def _title(text: str) -> str:
    """LaTeX-encoded, with acronyms braced so styles keep their capitals."""
    return _ACRONYM.sub(r"{\1}", _latex(text))


def _name(name: Mapping[str, str]) -> str:
    """One CSL name as BibTeX writes it: 'de Groot, Henri L. F.', '{World Bank}'."""
    if name.get("literal"):
        return "{" + _latex(name["literal"]) + "}"
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
    parts = [family] + ([name["suffix"]] if name.get("suffix") else []) + ([given] if given else [])
    return ", ".join(_latex(p) for p in parts)


def _names(names: Optional[Iterable[Mapping[str, str]]]) -> Optional[str]:
    names = list(names or [])
    return " and ".join(_name(n) for n in names) if names else None


def _date(value: Optional[Mapping[str, Any]]) -> Tuple[Optional[str], Optional[str]]:
    parts = ((value or {}).get("date-parts") or [[]])[0]
    year = str(parts[0]) if parts else None
    month = MONTHS[int(parts[1]) - 1] if len(parts) > 1 and 1 <= int(parts[1]) <= 12 else None
    return year, month


def entry_fields(item: Mapping[str, Any]) -> Tuple[str, List[Tuple[str, str]]]:
    """The BibTeX entry type and (field, value) pairs for one CSL-JSON item, values already LaTeX."""
    kind = TYPES.get(item.get("type", ""), "misc")
    year, month = _date(item.get("issued"))
    publisher = item.get("publisher")
    fields: List[Tuple[str, Optional[str]]] = [
        ("author", _names(item.get("author"))),
        ("editor", _names(item.get("editor"))),
        ("title", _title(item["title"]) if item.get("title") else None),
    ]
    container = item.get("container-title")
    if container:
        fields.append((CONTAINER.get(kind, "howpublished"), _title(container)))
    fields += [
        ("year", year),
        ("month", month),
        ("volume", item.get("volume")),
        ("number", item.get("issue") if kind == "article" else item.get("number")),
        ("pages", str(item["page"]).replace("-", "--") if item.get("page") else None),
        ("edition", item.get("edition")),
        ("series", _title(item["collection-title"]) if item.get("collection-title") else None),
        ("type", _latex(item["genre"]) if item.get("genre") and kind in ("techreport", "phdthesis", "misc") else None),
        ({"techreport": "institution", "phdthesis": "school"}.get(kind, "publisher"), _latex(publisher) if publisher else None),
        ("address", _latex(item["publisher-place"]) if item.get("publisher-place") else None),
        ("isbn", item.get("ISBN")),
        ("doi", item.get("DOI")),
        ("url", item.get("URL")),
        ("urldate", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(item["accessed"]["date-parts"][0]))
         if item.get("accessed", {}).get("date-parts") else None),
    ]
    return kind, [(k, str(v)) for k, v in fields if v]


def entries(items: Iterable[Mapping[str, Any]]) -> str:
    """A BibTeX file for CSL-JSON ``items`` (as :func:`kb.cite.csl_item` makes them), in the given order."""
    library = bibtexparser.Library()
    for item in items:
        kind, fields = entry_fields(item)
        library.add(Entry(kind, item["id"], [
            Field(key, value, enclosing="no-enclosing" if key == "month" else None) for key, value in fields
        ]))
    stack = [AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{")]
    format_ = bibtexparser.BibtexFormat()
    format_.indent = "  "
    format_.trailing_comma = True
    format_.block_separator = "\n"
    return bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=format_)
