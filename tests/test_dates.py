from datetime import date

import pytest

from briefer.dates import find_deadline, resolve_deadline

REF = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 2027", date(2027, 12, 31)),
        ("on April 9", date(2027, 4, 9)),  # already past this year: the next April 9
        ("on December 3", date(2026, 12, 3)),
        ("9 December 2026", date(2026, 12, 9)),
        ("by March", date(2027, 3, 31)),
        ("by March 2027", date(2027, 3, 31)),
        ("next week", date(2026, 12, 5)),
        ("within two weeks", date(2026, 12, 12)),
        ("within 3 months", date(2027, 2, 28)),
        ("by the end of the year", date(2026, 12, 31)),
        ("by the end of 2028", date(2028, 12, 31)),
        ("on Friday", date(2026, 12, 4)),
        ("tomorrow", date(2026, 11, 29)),
        ("2027-01-05", date(2027, 1, 5)),
        ("as soon as possible", None),
    ],
)
def test_resolve_against_the_article_date(text: str, expected: date | None) -> None:
    assert resolve_deadline(text, REF) == expected


def test_relative_wording_needs_the_article_date() -> None:
    assert resolve_deadline("next week", None) is None
    assert resolve_deadline("by 2030", None) == date(2030, 12, 31)
    assert resolve_deadline(None, REF) is None


def test_find_deadline_returns_the_first_expression_as_worded() -> None:
    assert find_deadline("The firm will open the plant by March 2027 and hire 200 people.") == "by March 2027"
    assert find_deadline("They promised to publish the study within two weeks.") == "within two weeks"
    assert find_deadline("They promised to do better.") is None
