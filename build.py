#!/usr/bin/env python3
"""Build the knowledge base: the same as ``kb build`` (validate, then write dist/)."""
import sys

from kb.cli import cli

if __name__ == "__main__":
    cli(["build", *sys.argv[1:]])
