"""The exceptions the library raises; only the command line turns them into messages and exit codes."""


class KGError(Exception):
    """Base class of every error the package raises on purpose.

    ``exit_code`` is what the command line returns for it: 2 means bad input or usage.
    """

    exit_code = 2


class InputError(KGError):
    """A file, argument or parameter is wrong: the message names it and says what to do."""


class ParseError(InputError):
    """An RDF or query file does not parse; ``path`` and ``line`` point at the error."""

    def __init__(self, path, line, message):
        self.path = path
        self.line = line
        where = f"{path} line {line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")


class QueryError(KGError):
    """A stored or ad-hoc query is malformed, or a parameter cannot be bound."""


class EndpointError(KGError):
    """A remote SPARQL endpoint is unreachable, times out, or answers with an error."""
