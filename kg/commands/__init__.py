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
