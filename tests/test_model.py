"""kb.model: the dataclasses every stage shares, and their small helpers."""
from __future__ import annotations

import doctest

import kb.model
from kb import pipeline
from kb.model import Name, short_ref, slugify


def test_doctests():
    assert doctest.testmod(kb.model).failed == 0


def test_names():
    person = Name(family="Groot", given="Henri L. F.", particle="de")
    assert person.display == "Henri L. F. de Groot"
    assert person.sort_name == "Groot, Henri L. F."
    assert person.id == "groot-henri-l-f"
    org = Name(literal="HM Government (Department for Business and Trade)")
    assert org.display == org.sort_name == "HM Government (Department for Business and Trade)"
    assert org.id == "hm-government-department-for-business-and-trade"


def test_slugify_drops_accents():
    assert slugify("Rodríguez-Pose, Andrés") == "rodriguez-pose-andres"


def test_short_ref():
    assert short_ref([], 2020, "A report") == "A report (2020)"
    assert short_ref(["World Bank"], 2009, "t") == "World Bank (2009)"


def test_source_short_ref_keeps_particles(project):
    kb, _ = pipeline.check(project)
    assert kb.sources["smith-2020-cities"].short_ref == "Smith & de Groot (2020)"
    assert kb.sources["agency-2021-report"].short_ref == "Regional Agency (2021)"


def test_resolve_follows_replaced_by(project):
    kb, _ = pipeline.check(project)
    assert kb.resolve("old-claim-id") == "growth-needs-institutions"
    assert kb.resolve("growth-needs-institutions") == "growth-needs-institutions"
    assert kb.resolve("missing") is None
