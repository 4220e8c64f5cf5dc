"""kb.selection: which arguments a handout or reading list covers (a claim, a theme or a position)."""
from __future__ import annotations

import pytest

from kb import selection


@pytest.fixture
def mini(mini_db):
    return mini_db


def test_selection_by_theme_keeps_each_argument_once(mini):
    chosen = selection.select(mini, theme="cities")
    # cities: cities-drive-growth, differences-are-sorting (a reply inside its argument), growth-needs-institutions
    assert [a.root.id for a in chosen.arguments] == ["cities-drive-growth"]
    assert chosen.label == "Theme: Cities"
    policy = selection.select(mini, theme="policy")
    # back-big-cities is attacked by growth-needs-institutions (also policy), which is not a root
    roots = [a.root.id for a in policy.arguments]
    assert "back-big-cities" in roots and "growth-needs-institutions" not in roots


def test_selection_by_position_and_errors(mini):
    chosen = selection.select(mini, position="place-based")
    covered = {n.id for a in chosen.arguments for n in a.nodes()}
    assert {"places-differ", "growth-needs-institutions"} <= covered
    with pytest.raises(selection.SelectionError, match="unknown theme 'nope'; themes: cities, policy"):
        selection.select(mini, theme="nope")
    with pytest.raises(selection.SelectionError, match="unknown position"):
        selection.select(mini, position="nope")
    with pytest.raises(selection.SelectionError, match="unknown claim"):
        selection.select(mini, claim="nope")
    assert selection.select(mini, claim="old-claim-id").arguments[0].root.id == "growth-needs-institutions"
