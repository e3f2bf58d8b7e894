"""Dates with the precision a source gives (a year, a month, a day) read as first and last days.

A start written as a year or a month counts from its first day, an end written as a
year or a month lasts to its last day; a day and month without a year
(``xsd:gMonthDay``) cannot be placed in time and limits nothing. The stored query
``queries/network-links.rq`` applies the same rule in SPARQL for snapshots; these
functions serve for display and for listing the dates on which the network changes.
"""

from __future__ import annotations

import calendar
from datetime import date

from kg.errors import InputError


def parse_date(text: str | date, option: str = "--as-of") -> date:
    """A snapshot date given as ``YYYY-MM-DD``.

    >>> parse_date("2023-05-05")
    datetime.date(2023, 5, 5)
    >>> parse_date("5/5/2023")
    Traceback (most recent call last):
    kg.errors.InputError: --as-of '5/5/2023': not a date; write it as YYYY-MM-DD, for example 2023-05-05
    """
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"{option} '{text}': not a date; write it as YYYY-MM-DD, for example 2023-05-05") from None


def first_day(value: str | None) -> date | None:
    """The first day of a start written as a date, a month or a year; None for no year.

    >>> first_day("2021"), first_day("2023-08"), first_day("--01-21")
    (datetime.date(2021, 1, 1), datetime.date(2023, 8, 1), None)
    """
    if not value or value.startswith("--"):
        return None
    parts = [int(p) for p in value[:10].split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def last_day(value: str | None) -> date | None:
    """The last day of an end written as a date, a month or a year; None for no year.

    >>> last_day("2022"), last_day("2024-02"), last_day("2030-10-27")
    (datetime.date(2022, 12, 31), datetime.date(2024, 2, 29), datetime.date(2030, 10, 27))
    """
    if not value or value.startswith("--"):
        return None
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)
