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
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0; write e.g. 30")
    return value
