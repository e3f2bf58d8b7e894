"""The web interface of ``kg serve``: a bilingual site, a read-only SPARQL endpoint and a REST path per
stored query, over the project's store (see :mod:`kg.web.app`)."""
