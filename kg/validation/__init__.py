"""Validation: SHACL shapes and the ``-violation.rq`` checks run on the graph, giving a ``Report`` of ``Finding``s
that name the file and line of each entity. Built on ``kg.graph`` and ``kg.queries``.
"""

from kg.validation.report import SEVERITIES, Finding, Report
from kg.validation.validator import check_findings, shacl_findings, validate

__all__ = ["validate", "shacl_findings", "check_findings", "Finding", "Report", "SEVERITIES"]
