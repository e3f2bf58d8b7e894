"""The columns of each kind of table ``kg import table`` reads: what each means, the property it becomes, its values.

One :class:`Kind` per ``--as`` value. The templates of ``data/templates/`` and their README are
written from these lists (:func:`template_header`, :func:`columns_text`), and a test keeps them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.namespaces import ACT, AGR, FIG, HKG, INST, ORG, POST

#: Each value type: its short name in the column tables, and what a cell of that type may hold.
VALUES = {
    "id": ("slug", "lower-case ASCII letters, digits and hyphens (`bao-thang-regional-hospital`), unique; empty: "
                   "one is made from the name"),
    "text": ("text", "text in the language the column names, written in your own words"),
    "names": ("names@lang", "names separated by `;`, each ending in its language tag: `hôpital Bach Mai@fr; "
                            "Bạch Mai@vi`"),
    "class": ("class", "a class of the ontology: its name (`GeneralHospital`), prefixed name "
                       "(`hkg:GeneralHospital`) or label in English or Vietnamese (`general hospital`, "
                       "`bệnh viện đa khoa`)"),
    "concept": ("concept", "a concept of the scheme named: its local name (`provincial`), prefixed name "
                           "(`level:provincial`), notation, or a label in any language (`provincial level`, "
                           "`tuyến tỉnh`); `kg import table --columns KIND` lists them"),
    "entity": ("name", "a name in any language, with or without diacritics, as `kg search` finds it, or a prefixed "
                       "name (`inst:bach-mai-hospital`) or IRI; it must name one existing entity (an ambiguous name "
                       "is refused with the candidates)"),
    "source": ("source", "the id of a source document described in `data/reference/sources.trig`: `004`, "
                         "`src:004` or its IRI"),
    "date": ("date", "the precision the source gives: `2021` (a year), `2023-08` (a month), `2023-05-05` (a day), "
                     "`--08-09` (a day and month whose year the source does not state); never a guessed year"),
    "year": ("year", "a year: `2014`"),
    "integer": ("integer", "a whole number without separators: `110`"),
    "decimal": ("number", "a number without thousands separators, with a point for decimals: `1268`, `98.7`"),
    "boolean": ("boolean", "`true` or `false` (`yes`, `no`)"),
    "years": ("years", "a whole number of years: `5`"),
}


@dataclass(frozen=True)
class Column:
    """One column: its name in the header, the property it becomes, and the values it takes."""

    name: str
    meaning: str
    value: str
    prop: URIRef | None = None
    required: bool = False
    many: bool = False
    lang: str | None = None  # for text: the language tag of the literal
    scheme: str | None = None  # for concept: the local name of the scheme (scheme:levels -> "levels")
    kinds: tuple[str, ...] = ()  # for entity: the kinds of kg.queries.search it may name
    also: tuple[URIRef, ...] = ()  # further properties the values are given (a supporter is also a party)

    @property
    def accepted(self) -> str:
        """The values of the column in a few words.

        >>> KINDS["posts"].column("role").accepted, KINDS["agreements"].column("parties").accepted
        ('concept of scheme:roles', 'names of institutions, separated by ;')
        """
        if self.value == "concept":
            text = f"concept{'s' if self.many else ''} of scheme:{self.scheme}"
        elif self.value == "entity":
            text = (f"names of {' or '.join(k + 's' for k in self.kinds)}" if self.many
                    else f"name of an {' or '.join(self.kinds)}".replace("an person", "a person"))
        elif self.value == "text":
            text = f"text @{self.lang}"
        else:
            text = VALUES[self.value][0] + ("s" if self.many and self.value == "class" else "")
        return text + (", separated by ;" if self.many and self.value not in ("names",) else "")


@dataclass(frozen=True)
class Kind:
    """One kind of table: its columns, the class its rows belong to, where new IRIs are minted."""

    name: str
    summary: str
    noun: str  # what one row describes
    roots: tuple[URIRef, ...]  # the classes of a row's entity: the 'kind' column picks one or a subclass
    namespace: str
    in_reference: bool  # True: the entities go into graph:reference; False: into graph:source-NNN
    columns: list[Column] = field(default_factory=list)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _id(what: str) -> Column:
    return Column("id", f"The slug of the new {what}'s IRI; leave it empty to have one made.", "id")


_SOURCE = Column("source", "The source document that states the row; the row's facts go into its named graph "
                           "and cite it with dcterms:source.", "source", DCTERMS.source, required=True)
_DESCRIPTION = Column("description", "What the source says, in your own words (English), never copied from the "
                                     "article.", "text", DCTERMS.description, lang="en")
_SPECIALTIES = Column("specialties", "Specialties it concerns.", "concept", HKG.specialty, many=True,
                      scheme="specialties")
_TECHNIQUES = Column("techniques", "Techniques it concerns.", "concept", HKG.technique, many=True,
                     scheme="techniques")
_STATUS = Column("status", "What the source says of it: planned, signed, in force or ended.", "concept", HKG.status,
                 scheme="statuses")
_STAFF = Column("staff_trained", "The number of staff trained, as the source states it.", "integer",
                HKG.staffTrained)
_RELATED = Column("related", "An agreement or cooperation it belongs to (an earlier row's id, or a name).",
                  "entity", HKG.relatedAgreement, many=True, kinds=("agreement",))
_START = Column("start", "When it starts, as precisely as the source says.", "date", HKG.startDate)
_END = Column("end", "When it ends, as precisely as the source says.", "date", HKG.endDate)
_REPORTED = Column("reported_on", "The date of the article or event that reports it; empty when the source gives "
                                  "none.", "date", HKG.reportedOn)

KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("institutions", "hospitals, departments, committees and other institutions (new ones get an IRI)",
         "institution", (HKG.Institution,), str(INST), True, [
             _id("institution"),
             Column("name_vi", "The Vietnamese name, with its diacritics, as the source or an official list writes "
                               "it.", "text", RDFS.label, required=True, lang="vi"),
             Column("name_en", "The English name.", "text", RDFS.label, required=True, lang="en"),
             Column("alt_names", "Other names: abbreviations, older names, the forms French or Norwegian sources "
                                 "print.", "names", SKOS.altLabel, many=True),
             Column("kind", "What kind of institution it is: a subclass of hkg:Institution.", "class",
                    required=True),
             Column("level", "Its level in the health system.", "concept", HKG.level, scheme="levels"),
             Column("hospital_class", "Its hospital class (special, category I, II, III).", "concept",
                    HKG.hospitalClass, scheme="hospital-classes"),
             Column("status", "planned, for an institution a source announces that does not exist yet; empty "
                              "otherwise.", "concept", HKG.status, scheme="statuses"),
             Column("located_in", "The province, district or town it is in.", "entity", HKG.locatedIn,
                    kinds=("area",)),
             Column("country", "Its country, for an institution outside Vietnam.", "entity", HKG.country,
                    kinds=("area",)),
             Column("unit_of", "The institution it is a unit of (a centre of a hospital).", "entity", ORG.unitOf,
                    kinds=("institution",)),
             Column("specialties", "Its specialties, for a specialised hospital or unit.", "concept", HKG.specialty,
                    many=True, scheme="specialties"),
             _DESCRIPTION, _SOURCE]),
    Kind("agreements", "agreements, memoranda and cooperations between institutions",
         "agreement or cooperation", (HKG.Cooperation,), str(AGR), False, [
             _id("agreement"),
             Column("kind", "A written agreement (CooperationAgreement, MemorandumOfUnderstanding, Agreement) or a "
                            "cooperation the source reports without a document (Cooperation).", "class",
                    required=True),
             Column("label_en", "A short English name of the agreement or cooperation.", "text", RDFS.label,
                    required=True, lang="en"),
             Column("label_vi", "Its Vietnamese name, where the source gives one.", "text", RDFS.label, lang="vi"),
             Column("parties", "Every institution that takes part.", "entity", HKG.party, many=True,
                    kinds=("institution",)),
             Column("supporters", "The institutions that give support, where the source says who supports whom "
                                  "(each is also a party).", "entity", HKG.supporter, many=True,
                    kinds=("institution",), also=(HKG.party,)),
             Column("supported", "The institutions that receive it (each is also a party).", "entity",
                    HKG.supported, many=True, kinds=("institution",), also=(HKG.party,)),
             _STATUS,
             Column("signed_on", "When it was signed.", "date", HKG.signedOn),
             _START, _END,
             Column("start_year", "The year a long-running cooperation is reported to start from.", "year",
                    HKG.startYear),
             Column("duration_years", "Its length in years, as the source states it.", "years", HKG.duration),
             Column("cooperation_areas", "The fields it covers.", "concept", HKG.cooperationArea, many=True,
                    scheme="cooperation-areas"),
             _SPECIALTIES, _TECHNIQUES, _STAFF,
             Column("signatories", "The people who signed it.", "entity", HKG.signatory, many=True,
                    kinds=("person",)),
             _RELATED, _DESCRIPTION, _SOURCE]),
    Kind("activities", "trainings, technique transfers and other support, and techniques an institution performs",
         "support activity or technique deployment", (HKG.SupportActivity, HKG.TechniqueDeployment), str(ACT),
         False, [
             _id("activity"),
             Column("kind", "Training, TechniqueTransfer or SupportActivity (support given), or "
                            "TechniqueDeployment (techniques performed); Training; TechniqueTransfer for both.",
                    "class", required=True, many=True),
             Column("provider", "The institution that gives the support.", "entity", HKG.provider,
                    kinds=("institution",)),
             Column("recipients", "The institutions that receive it.", "entity", HKG.recipient, many=True,
                    kinds=("institution",)),
             Column("recipient_area", "The area that receives it, when the source names no institution.", "entity",
                    HKG.recipientArea, many=True, kinds=("area",)),
             Column("performed_by", "For a technique deployment: the institution that performs the techniques.",
                    "entity", HKG.performedBy, kinds=("institution",)),
             Column("performed_in", "For a technique deployment: the area whose facilities perform them.",
                    "entity", HKG.performedIn, kinds=("area",)),
             Column("inter_level", "True when the source says the techniques are above the performer's own level.",
                    "boolean", HKG.interLevel),
             _STATUS,
             Column("date", "When it took place, for a one-off activity.", "date", HKG.date),
             _START, _END, _REPORTED, _SPECIALTIES, _TECHNIQUES, _STAFF, _RELATED, _DESCRIPTION, _SOURCE]),
    Kind("posts", "who holds which post at which institution, as a source reports it",
         "post", (HKG.Post,), str(POST), False, [
             _id("post"),
             Column("person", "The person, already described in data/reference/people.trig.", "entity", ORG.member,
                    required=True, kinds=("person",)),
             Column("role", "The post held.", "concept", ORG.role, required=True, scheme="roles"),
             Column("organisation", "The institution where it is held.", "entity", ORG.organization, required=True,
                    kinds=("institution",)),
             _REPORTED, _SOURCE]),
    Kind("figures", "figures the source reports about an institution or an area",
         "reported figure", (HKG.ReportedFigure,), str(FIG), False, [
             _id("figure"),
             Column("subject", "The institution or area the figure is about.", "entity", HKG.subject,
                    required=True, kinds=("institution", "area")),
             Column("measure", "What is counted.", "concept", HKG.measure, required=True, scheme="measures"),
             Column("value", "The number as the source gives it (or min_value and max_value for a range).",
                    "decimal", HKG.value),
             Column("min_value", "The lower bound of a range.", "decimal", HKG.minValue),
             Column("max_value", "The upper bound of a range.", "decimal", HKG.maxValue),
             Column("unit", "The unit of the number.", "concept", HKG.unit, required=True, scheme="units"),
             Column("approximation", "How the source qualifies the number: about, nearly, more than.", "concept",
                    HKG.approximation, scheme="approximations"),
             Column("approximate", "Whether the number is approximate; empty: true when approximation is given, "
                                   "false otherwise.", "boolean", HKG.isApproximate),
             Column("is_change", "True when the number is an increase or change rather than a level.", "boolean",
                    HKG.isChange),
             Column("baseline", "The year (or date) the change is measured from.", "date", HKG.baseline),
             Column("baseline_en", "A baseline that is not a date, in English.", "text", HKG.baselineDescription,
                    lang="en"),
             Column("baseline_vi", "The same baseline in Vietnamese.", "text", HKG.baselineDescription, lang="vi"),
             Column("reference_date", "The date or period the number refers to.", "date", HKG.referenceDate),
             _REPORTED, _DESCRIPTION, _SOURCE]),
]}


def template_header(kind: str, delimiter: str = ",") -> str:
    """The header row of the template for ``kind``.

    >>> template_header("posts")
    'id,person,role,organisation,reported_on,source'
    """
    return delimiter.join(c.name for c in KINDS[kind].columns)


def columns_text(kind: str) -> str:
    """The documentation of every column of ``kind`` as Markdown: meaning, property, required or not, values."""
    spec = KINDS[kind]
    where = "graph:reference, citing its source" if spec.in_reference else "the named graph of its source"
    lines = [f"### `--as {kind}`: {spec.summary}", "",
             f"Template: `{kind}.csv`. Each row is one {spec.noun} (`{_prefix(spec.namespace)}…`), in {where}.",
             "", "| column | required | becomes | meaning | values |", "|---|---|---|---|---|"]
    for c in spec.columns:
        becomes = _becomes(c, spec)
        lines.append(f"| `{c.name}` | {'yes' if c.required else ''} | {becomes} | {c.meaning} | {c.accepted} |")
    return "\n".join(lines) + "\n"


def values_text() -> str:
    """What a cell of each value type may hold, as a Markdown list."""
    return "".join(f"- **{short}**: {text}.\n" for short, text in VALUES.values())


def _prefix(namespace: str) -> str:
    from kg.namespaces import PREFIXES

    return next(f"{p}:" for p, ns in PREFIXES.items() if str(ns) == namespace)


def _becomes(column: Column, spec: Kind) -> str:
    from kg.queries.results import prefixed

    if column.name == "id":
        return f"the IRI `{_prefix(spec.namespace)}…`"
    if column.value == "class":
        return "`rdf:type` (" + " or ".join(f"`{prefixed(r)}`" for r in spec.roots) + " or a subclass)"
    if column.value == "years":
        return "`hkg:duration` (a `time:Duration` in years)"
    shown = f"`{prefixed(column.prop)}`" + (f" @{column.lang}" if column.lang else "")
    return shown + "".join(f", `{prefixed(p)}`" for p in column.also)


def template_csv(kind: str) -> str:
    """The template of ``kind``: the header, then a comment row (skipped on import) with each column's values.

    >>> print(template_csv("posts"), end="")
    id,person,role,organisation,reported_on,source
    # slug,"name of a person, required","concept of scheme:roles, required","name of an institution, required",date,"source, required"
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = KINDS[kind].columns
    writer.writerow([c.name for c in columns])
    writer.writerow([("# " if i == 0 else "") + c.accepted + (", required" if c.required else "")
                     for i, c in enumerate(columns)])
    return out.getvalue()


_README_HEAD = """# Tables for `kg import table`

Most new facts arrive as lists: a department's list of hospitals, a year's technique transfers, a
register of agreements. Fill in the template of the kind of list (one row per entry), save it as
"CSV UTF-8" (`.csv`) or tab-separated text (`.tsv`), and turn it into TriG:

```sh
kg import table hospitals.csv --as institutions -o data/reference/institutions-lao-cai-2025.trig
kg import table agreements.csv --as agreements -o data/sources/005-agreements.trig
kg import table --columns agreements      # the columns, with the concepts the graph accepts today
```

- The header row names the columns; their order does not matter, and columns left out are empty.
  The second row of each template, which starts with `#`, says what each column takes: rows whose
  first cell starts with `#` are skipped, as are empty rows. Row numbers in messages are those of
  the spreadsheet (the header is row 1).
- `source` is required in every row: the id of a source document already described in
  `data/reference/sources.trig`. A row's facts go into that source's named graph
  (`graph:source-NNN`) and cite it; a table may cite several sources. Institutions go into
  `graph:reference`, citing the sources of their rows, and an institution, person or area that the
  facts mention gets the source added there, as `data/README.md` requires.
- Names are found as `kg search` finds them: in any language, with or without diacritics. A name
  that several entities match equally well is refused with the candidates; a prefixed name
  (`inst:bach-mai-hospital`) is never ambiguous. In an institutions table a row whose Vietnamese or
  English name is exactly that of an existing institution describes it; any other row is a new
  institution. People and areas are never made by a table: describe them in `data/reference/` first.
- New entities get slug IRIs: the `id` cell, or a slug made from the name (unaccented, lower case,
  hyphenated, with `-2`, `-3` ... when it is taken).
- Nothing is written unless the whole table reads and the TriG, validated with the project's data
  against `shapes/` and the `-violation` checks, conforms. Every problem names its row and column.

The examples in `examples/` restate facts of source 004 (the visit of the Nghe An Department of
Health to Thanh Hoa Provincial Oncology Hospital) as tables. The graph holds those facts already, so
their output is for reading and for `tests/test_table_import.py`, which imports them into a copy of
the project without source 004 and gets the same answers from the stored queries. They write names
in Vietnamese and English, with and without diacritics, as a curator's list would; the institutions
table gives the ids of the curated IRIs, the others let the command make them. Areas are given by
prefixed name (`area:thanh-hoa-province`): with the national gazetteer a province, its capital and
the communes named after them share a name.

This file and the templates are written from `kg/queries/table_columns.py` by `write_templates()`;
a test keeps them equal.

## Values

"""


def templates_readme() -> str:
    """The README of ``data/templates/``: how to fill in a table, every kind's columns, the values."""
    return _README_HEAD + values_text() + "\n## Columns\n\n" + "\n".join(columns_text(k) for k in KINDS)


def write_templates(folder=None) -> list:
    """Write every template and the README into ``folder`` (default: the project's ``data/templates/``)."""
    from pathlib import Path

    from kg.graph.export import write_atomic
    from kg.graph.files import Project

    folder = Path(folder) if folder else Project().root / "data" / "templates"
    written = [write_atomic(folder / f"{kind}.csv", template_csv(kind)) for kind in KINDS]
    written.append(write_atomic(folder / "README.md", templates_readme()))
    return written
