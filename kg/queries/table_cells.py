"""Cells of a table as RDF literals: dates at their precision, numbers, booleans, tagged names, slugs.

Each reader returns the literal or raises :class:`CellError` with what is wrong and what to write
instead; the caller adds the file, row and column.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

from kg.graph.search_labels import fold


class CellError(ValueError):
    """A cell that cannot be read: the message says what is wrong and what to write."""


_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY = re.compile(r"^--(\d{2})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}(?:-\d{2}){0,2})\s*(?:-|–|—|to|/)\s*(\d{4}(?:-\d{2}){0,2})$")
_APPROXIMATE = re.compile(r"(?i)^(?:about|around|circa|c\.|ca\.|approx\.?|approximately|~|khoảng|vers|environ)\s*"
                          r"|[?~]$|\d0s$|^(?:early|late|mid)\b")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^(.*\S)\s*@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$")

DATE_FORMS = "2021 (a year), 2023-08 (a month), 2023-05-05 (a day) or --08-09 (a day and month without a year)"


def date_literal(text: str) -> Literal:
    """A date at the precision ``text`` gives: ``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date`` or ``xsd:gMonthDay``.

    >>> [date_literal(t).datatype.split("#")[1] for t in ("2021", "2023-08", "2023-05-05", "--08-09")]
    ['gYear', 'gYearMonth', 'date', 'gMonthDay']
    >>> date_literal("27/10/2025")
    Traceback (most recent call last):
    kg.queries.table_cells.CellError: '27/10/2025' is not written as the project writes dates; write YYYY-MM-DD: 2025-10-27 if it means day 27 of month 10
    """
    text = text.strip()
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    month = _MONTH.match(text)
    if month:
        if not 1 <= int(month.group(2)) <= 12:
            raise CellError(f"'{text}' has no month {month.group(2)}; write the month as 01 to 12")
        return Literal(text, datatype=XSD.gYearMonth)
    if _DAY.match(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            raise CellError(f"'{text}' is no day of the calendar; check the month and the day") from None
        return Literal(text, datatype=XSD.date)
    month_day = _MONTH_DAY.match(text)
    if month_day:
        m, d = int(month_day.group(1)), int(month_day.group(2))
        if not 1 <= m <= 12 or not 1 <= d <= calendar.monthrange(2024, m)[1]:  # 2024: a leap year allows --02-29
            raise CellError(f"'{text}' is no day of the calendar; write --MM-DD, e.g. --08-09 for 9 August")
        return Literal(text, datatype=XSD.gMonthDay)
    dmy = _DMY.match(text)
    if dmy:
        day, mon, year = dmy.groups()
        raise CellError(f"'{text}' is not written as the project writes dates; write YYYY-MM-DD: {year}-"
                        f"{int(mon):02d}-{int(day):02d} if it means day {int(day)} of month {int(mon)}")
    span = _RANGE.match(text)
    if span:
        raise CellError(f"'{text}' is a period, not a date; put {span.group(1)} in the start column and "
                        f"{span.group(2)} in the end column")
    if _APPROXIMATE.search(text):
        raise CellError(f"'{text}' is an approximate date, which the graph does not record; give the year, month "
                        "or day the source states (only as precise as it is), and say in the description that the "
                        "source gives it as approximate")
    raise CellError(f"'{text}' is not a date; write {DATE_FORMS}")


def year_literal(text: str) -> Literal:
    """A year as ``xsd:gYear``.

    >>> year_literal("2014")
    rdflib.term.Literal('2014', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    if not _YEAR.match(text.strip()):
        raise CellError(f"'{text}' is not a year; write the four digits of the year, e.g. 2014")
    return Literal(text.strip(), datatype=XSD.gYear)


def decimal_literal(text: str) -> Literal:
    """A number as an ``xsd:decimal`` in the canonical form of the curated files (``1268.0``, ``98.7``).

    >>> decimal_literal("1268"), decimal_literal("98.70")
    (rdflib.term.Literal('1268.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal')), rdflib.term.Literal('98.7', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal')))
    >>> decimal_literal("1.268")
    Traceback (most recent call last):
    kg.queries.table_cells.CellError: '1.268' could be 1268 written with a thousands separator or 1.268; write 1268 (no separators), or 1.268 for a decimal, adding a trailing 0 (1.2680) to say so
    """
    text = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(?:[.,]\d{3})+", text):
        if "," in text or text.count(".") > 1:
            raise CellError(f"'{text}' holds thousands separators; write the number without them: "
                            f"{re.sub(r'[.,]', '', text)}")
        raise CellError(f"'{text}' could be {text.replace('.', '')} written with a thousands separator or {text}; "
                        f"write {text.replace('.', '')} (no separators), or {text} for a decimal, adding a trailing "
                        f"0 ({text}0) to say so")
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        raise CellError(f"'{text}' has a decimal comma; write a point: {text.replace(',', '.')}")
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
        raise CellError(f"'{text}' is not a number; write digits, with a point for decimals (1268, 98.7); put "
                        "'nearly', 'about' and the like in the approximation column, and a range in min_value and "
                        "max_value")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise CellError(f"'{text}' is not a number") from None
    shown = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")
    if "." not in shown:
        shown += ".0"
    return Literal(shown, datatype=XSD.decimal)


def integer_literal(text: str) -> Literal:
    """A whole number as ``xsd:integer``.

    >>> integer_literal("110")
    rdflib.term.Literal('110', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    text = text.strip()
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"'{text}' is not a whole number; write its digits without separators or words, e.g. 110")
    return Literal(str(int(text)), datatype=XSD.integer)


def boolean_literal(text: str) -> Literal:
    """``true``/``false`` (or ``yes``/``no``) as ``xsd:boolean``.

    >>> boolean_literal("Yes"), boolean_literal("false")
    (rdflib.term.Literal('true', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean')), rdflib.term.Literal('false', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean')))
    """
    value = {"true": "true", "yes": "true", "false": "false", "no": "false"}.get(text.strip().lower())
    if value is None:
        raise CellError(f"'{text}' is not true or false; write true or false (or leave the cell empty)")
    return Literal(value, datatype=XSD.boolean)


def tagged_name(text: str) -> Literal:
    """A name ending in its language tag (``hôpital Bach Mai@fr``) as a tagged literal.

    >>> tagged_name("hôpital Bach Mai@fr")
    rdflib.term.Literal('hôpital Bach Mai', lang='fr')
    """
    match = _LANG.match(text.strip())
    if not match:
        raise CellError(f"'{text}' has no language tag; end the name with the language the source writes it in, "
                        "e.g. 'hôpital Bach Mai@fr' or 'Bạch Mai@vi'")
    return Literal(match.group(1), lang=match.group(2).lower())


def check_slug(text: str) -> str:
    """``text`` when it is a valid slug (lower-case ASCII words joined by hyphens).

    >>> check_slug("bao-thang-regional-hospital")
    'bao-thang-regional-hospital'
    >>> check_slug("Bảo Thắng")
    Traceback (most recent call last):
    kg.queries.table_cells.CellError: 'Bảo Thắng' is not a slug; write lower-case ASCII letters and digits joined by hyphens, e.g. bao-thang
    """
    if not _SLUG.match(text):
        raise CellError(f"'{text}' is not a slug; write lower-case ASCII letters and digits joined by hyphens, "
                        f"e.g. {slug(text) or 'bao-thang-regional-hospital'}")
    return text


def slug(text: str, limit: int = 80) -> str:
    """A slug of ``text``: unaccented, lower case, words joined by hyphens, at most ``limit`` characters.

    >>> slug("Bệnh viện Đa khoa khu vực Bảo Thắng"), slug("Lao Cai General Hospital No. 2")
    ('benh-vien-da-khoa-khu-vuc-bao-thang', 'lao-cai-general-hospital-no-2')
    """
    words, out = fold(text).split(), ""
    for word in words:
        if len(out) + len(word) + 1 > limit and out:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out


def split_cell(text: str) -> list[str]:
    """The values of a cell that holds several, separated by ``;``.

    >>> split_cell("Bach Mai Hospital; Viet Duc Hospital ;")
    ['Bach Mai Hospital', 'Viet Duc Hospital']
    """
    return [part.strip() for part in text.split(";") if part.strip()]
