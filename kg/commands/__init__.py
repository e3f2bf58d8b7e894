"""One module per ``kg`` subcommand: NAME, HELP, DESCRIPTION, EXAMPLES, add_arguments(parser), run(args)."""


def positive_seconds(text: str) -> float:
    """argparse type for ``--timeout``: a number of seconds above zero.

    >>> positive_seconds("2.5")
    2.5
    """
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 86_400:  # also refuses inf and nan, which no clock can wait for
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a number of seconds above 0 and at most a day "
                                         "(86400); write e.g. 30")
    return value


def table_width(text: str) -> int:
    """argparse type for ``--width``: a whole number of columns, at least 20.

    >>> table_width("100")
    100
    """
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 20 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a table width; give a whole number of columns "
                                         "from 20 to 10000, e.g. 120")
    return value


def whole_number(text: str) -> int:
    """argparse type for a count such as ``--limit``: a whole number of 0 or more.

    >>> whole_number("100")
    100
    """
    import argparse

    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of 0 or more")
    return int(text)


def iso_day(text: str) -> str:
    """argparse type for ``--as-of``: a date written YYYY-MM-DD (kept as text; the command reads it), never empty.

    >>> iso_day("2023-05-05")
    '2023-05-05'
    """
    import argparse
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of '{text[:40]}': not a date; write it as YYYY-MM-DD, "
                                         "e.g. 2023-05-05") from None
    return text
