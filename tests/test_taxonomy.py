"""Data categories: the shipped key list and its check against fideslang; sensitivity is inherited by children."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from checker.language.taxonomy import TAXONOMY_FILE, check_shipped, classify, taxonomy_keys
from checker.resources import data_path


def _shipped() -> dict[str, Any]:
    content: dict[str, Any] = json.loads(data_path(TAXONOMY_FILE).read_text(encoding="utf-8"))
    return content


def test_the_shipped_key_list_says_which_fideslang_it_was_made_from() -> None:
    # CI compares it with that package (`python -m checker.language.taxonomy --check`, taxonomy extra).
    assert _shipped()["generated_from"].startswith("fideslang ")
    assert taxonomy_keys() == {e["key"]: e["name"] for e in _shipped()["categories"]}


def test_the_check_passes_on_the_same_list_and_names_each_difference() -> None:
    assert check_shipped(_shipped()) == []
    changed = copy.deepcopy(_shipped())
    changed["categories"] = [e for e in changed["categories"] if e["key"] != "user.contact.email"]
    changed["categories"].append({"key": "user.new", "name": "New"})
    renamed = next(e for e in changed["categories"] if e["key"] == "user.contact.phone_number")
    renamed["name"] = "Telephone"
    assert check_shipped(changed) == [
        "missing key user.new (New)",
        "key user.contact.email is not in " + changed["generated_from"],
        "user.contact.phone_number is named 'User Contact Phone Number', upstream 'Telephone'",
    ]


def test_the_key_list_is_sorted_and_closed_under_parents() -> None:
    keys = list(taxonomy_keys())
    assert keys == sorted(keys)
    for key in keys:
        parent = key.rpartition(".")[0]
        assert not parent or parent in taxonomy_keys(), key


def test_a_child_inherits_the_sensitivity_of_its_listed_ancestor() -> None:
    fingerprint = classify("user.biometric.fingerprint")
    assert fingerprint.pipl_sensitive == "biometric identification"
    assert fingerprint.gdpr_special == "biometric data for unique identification"
    assert fingerprint.name == "Fingerprint"


def test_the_nearest_listed_ancestor_wins() -> None:
    health = classify("user.biometric.health")
    assert health.pipl_sensitive == "medical and health"
    assert health.gdpr_special == "data concerning health"


@pytest.mark.parametrize(
    ("key", "pipl", "gdpr"),
    [
        ("user.financial.bank_account", True, False),
        ("user.location.precise", True, False),
        ("user.demographic.political_opinion", False, True),
        ("user.contact.email", False, False),
        ("user.location.imprecise", False, False),
    ],
)
def test_pipl_and_gdpr_classify_separately(key: str, pipl: bool, gdpr: bool) -> None:
    info = classify(key)
    assert (info.pipl_sensitive is not None, info.gdpr_special is not None) == (pipl, gdpr)


def test_a_declared_extension_inherits_and_may_add_its_own_marks() -> None:
    extensions: dict[str, tuple[bool | None, bool | None]] = {
        "user.biometric.fingerprint.template": (None, None),
        "user.behavior.learning_record": (True, None),
        "user.biometric.voice_sample": (False, None),
    }
    inherited = classify("user.biometric.fingerprint.template", extensions)
    assert inherited.pipl_sensitive == "biometric identification"
    assert classify("user.behavior.learning_record", extensions).pipl_sensitive == (
        "declared sensitive"
    )
    assert classify("user.behavior.learning_record", extensions).gdpr_special is None
    # An explicit `pipl_sensitive = no` overrides what the parent would give.
    assert classify("user.biometric.voice_sample", extensions).pipl_sensitive is None
