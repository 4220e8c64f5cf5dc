"""A knowledge base of arguments from the industrial-strategy literature.

The build is a short pipeline of small stages, one module each:
:mod:`kb.load` -> :mod:`kb.validate` -> :mod:`kb.graph` -> :mod:`kb.db` -> :mod:`kb.export`,
run by :mod:`kb.pipeline` and exposed by :mod:`kb.cli`.
"""

__version__ = "0.1.0"

#: When each version was released (also in CHANGELOG.md). A claim is cited as an entry of a
#: dated version; a version not listed here is unreleased work and is cited as "n.d.".
RELEASES = {"0.1.0": "2026-11-23"}
