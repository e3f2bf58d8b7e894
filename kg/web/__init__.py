"""The web interface of ``kg serve``: a bilingual site, a read-only SPARQL endpoint and a REST path per
stored query, over the project's store (see :mod:`kg.web.app`). Built on ``kg.graph``, ``kg.queries``
and ``kg.network``; the command line starts it.
"""

from kg.web.app import Settings, create_app

__all__ = ["create_app", "Settings"]
