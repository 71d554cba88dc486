"""cloud/credentials.py: the scrubber replaces whole credentials and nothing else."""

from __future__ import annotations

from autotracker.cloud.credentials import MIN_SECRET_CHARS, scrub

SECRET = "sk-test-Zm9vYmFyYmF6cXV4cXV1eA-secret"


def test_a_credential_standing_alone_is_replaced_wherever_it_appears() -> None:
    assert scrub(f"key={SECRET}; again '{SECRET}'", [SECRET]) == "key=***; again '***'"


def test_the_same_letters_inside_a_longer_word_are_kept() -> None:
    text = f"x{SECRET}y"
    assert scrub(text, [SECRET]) == text


def test_a_value_shorter_than_any_real_credential_eats_no_words() -> None:
    short = "a" * (MIN_SECRET_CHARS - 1)
    assert scrub(f"{short} stays", [short]) == f"{short} stays"


def test_the_longest_of_overlapping_credentials_is_replaced_whole() -> None:
    longer = SECRET + "-and-more"
    assert scrub(f"[{longer}]", [SECRET, longer]) == "[***]"
