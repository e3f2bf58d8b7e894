"""Vietnam's administrative units before and after 1 July 2025, read from the ``vietnamadminunits`` package.

The package (PyPI, MIT licence) ships its dataset as data files: ``dataset.db`` (SQLite) holds the 63
provinces with their districts and communes as they were until 30 June 2025 (table ``admin_units_legacy``,
one row per commune) and the 34 provinces with their communes from 1 July 2025 (``admin_units``);
``converter_2025.json`` maps the old units to the new, a commune divided between several new ones to each
of them. Only those files are read: the package itself is never imported, so its own dependencies are not
needed. :mod:`kg.graph.gazetteer_trig` writes the result as TriG.

A unit the reorganisation left as it was (11 provinces) is one unit with ``period`` "both"; every other unit
belongs to one period. The curated areas of ``data/reference/areas.trig`` keep their IRIs (:data:`CURATED`).
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.graph.search_labels import fold

PACKAGE = "vietnamadminunits"

#: The version the committed gazetteer is written from; pyproject's ``gazetteer`` extra pins it.
PACKAGE_VERSION = "1.0.4"

#: The last day of the old units and the first of the new (Resolution 202/2025/QH15 and the commune arrangements).
LAST_DAY_BEFORE, FIRST_DAY_AFTER = "2025-06-30", "2025-07-01"

#: The type the dataset gives a district or commune -> the concept of scheme:area-kinds.
DISTRICT_KINDS = {"Huyện": "rural-district", "Quận": "urban-district", "Thị xã": "district-level-town",
                  "Thành phố": "district-level-city"}
COMMUNE_KINDS = {"Xã": "commune", "Phường": "ward", "Thị trấn": "township", "Đặc khu": "special-zone"}

#: The English word of each kind, for the unaccented English label ("Sa Pa town", "Ward 1").
KIND_WORDS = {"province": "province", "centrally-run-city": "city", "rural-district": "district",
              "urban-district": "district", "district-level-town": "town", "district-level-city": "city",
              "commune": "commune", "ward": "ward", "township": "township", "special-zone": "special zone"}

#: The curated areas (data/reference/areas.trig), by (level, period, code): their IRI's local name and the
#: dataset's short name, which must still match (else the alignment is stale and the import stops).
CURATED = {
    ("province", "before", "10"): ("lao-cai-province-old", "Lào Cai"),
    ("province", "before", "15"): ("yen-bai-province-old", "Yên Bái"),
    ("province", "after", "15"): ("lao-cai-province", "Lào Cai"),
    ("province", "both", "01"): ("hanoi", "Hà Nội"),
    ("province", "both", "12"): ("lai-chau-province", "Lai Châu"),
    ("province", "both", "38"): ("thanh-hoa-province", "Thanh Hóa"),
    ("province", "both", "40"): ("nghe-an-province", "Nghệ An"),
    ("district", "before", "082"): ("bat-xat-district", "Bát Xát"),
    ("district", "before", "086"): ("bao-thang-district", "Bảo Thắng"),
    ("district", "before", "087"): ("bao-yen-district", "Bảo Yên"),
    ("district", "before", "088"): ("sa-pa-town", "Sa Pa"),
}

LEVELS = ("province", "district", "commune")
PERIODS = ("both", "before", "after")


@dataclass(frozen=True)
class Unit:
    """One administrative unit: ``name`` in Vietnamese as the dataset gives it, the others derived."""

    local: str  # the local name of its IRI under area:
    level: str  # province, district or commune
    period: str  # before (until 30 June 2025), after (from 1 July 2025) or both
    kind: str  # a concept of scheme:area-kinds
    code: str
    name: str
    english: str
    parent: str | None  # the local name of the larger unit; None for a province (part of the country)
    lon: float | None
    lat: float | None
    area_km2: float | None = None
    successors: tuple[str, ...] = ()
    curated: bool = False


@dataclass
class Gazetteer:
    """The units, sorted by level, code and period, and what the package says of itself."""

    version: str
    licence: str
    homepage: str
    units: list[Unit] = field(default_factory=list)

    def count(self, level: str, period: str) -> int:
        """Units of ``level`` in ``period`` (before or after), the unchanged ones counted in both."""
        return sum(1 for u in self.units if u.level == level and u.period in (period, "both"))


def unaccented(text: str) -> str:
    """``text`` without Vietnamese diacritics, case kept.

    >>> unaccented("Thành phố Hồ Chí Minh"), unaccented("Đắk Lắk")
    ('Thanh pho Ho Chi Minh', 'Dak Lak')
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def slug(text: str) -> str:
    """A lowercase ASCII kebab-case slug.

    >>> slug("Bà Rịa - Vũng Tàu province"), slug("Cư M'gar district")
    ('ba-ria-vung-tau-province', 'cu-m-gar-district')
    """
    return "-".join(fold(text).split())


def english_name(short: str, kind: str) -> str:
    """The unaccented English form of a unit's name: the name, then the kind; a number comes after it.

    >>> english_name("Sa Pa", "district-level-town"), english_name("1", "ward"), english_name("Hà Nội", "centrally-run-city")
    ('Sa Pa town', 'Ward 1', 'Ha Noi city')
    """
    word = KIND_WORDS[kind]
    base = " ".join(unaccented(short).split())
    return f"{word.capitalize()} {base}" if base.isdigit() else f"{base} {word}"


def package_data() -> Path:
    """The folder of the installed package's data files, found without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise InputError(f"kg import gazetteer reads the package {PACKAGE}, which is not installed; install it "
                         f"with: pip install '{PACKAGE}=={PACKAGE_VERSION}' (or the project's extra: "
                         "pip install -e '.[gazetteer]')")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def package_metadata() -> tuple[str, str, str]:
    """(version, licence, homepage) as the installed package's metadata gives them."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata(PACKAGE)
    except PackageNotFoundError:
        package_data()  # raises the message that says how to install it
        raise
    licences = [c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    licence = meta.get("License-Expression") or (licences[0] if licences else None) or meta.get("License")
    homepage = meta.get("Home-page") or next((u.split(",", 1)[1].strip() for u in meta.get_all("Project-URL") or []
                                              if u.lower().startswith("homepage")), None)
    if not licence or not homepage:
        raise InputError(f"the metadata of {PACKAGE} {meta['Version']} names no licence or no homepage; the source "
                         "document needs both: install the version the gazetteer is written from, "
                         f"{PACKAGE}=={PACKAGE_VERSION}")
    return meta["Version"], licence, homepage


def _rows(path: Path, table: str, columns: list[str]) -> list[dict]:
    """The rows of ``table`` in the SQLite file ``path`` with ``columns``; a missing table or column is an error."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; the gazetteer reads {PACKAGE}'s data files: reinstall "
                         f"{PACKAGE}=={PACKAGE_VERSION}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            have = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            missing = [c for c in columns if c not in have]
            if missing:
                raise InputError(f"{path}: table {table} has no column {', '.join(missing)} (this importer reads the "
                                 f"layout of {PACKAGE} {PACKAGE_VERSION}); install that version")
            names = ", ".join(f'"{c}"' for c in columns)
            return [dict(zip(columns, r)) for r in db.execute(f'SELECT {names} FROM "{table}"')]
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: is not a readable SQLite database ({exc}); reinstall {PACKAGE}=={PACKAGE_VERSION}") \
            from None


def _mapping(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: data[key] for key in ("DICT_PROVINCE", "DICT_PROVINCE_WARD_NO_DIVIDED", "DICT_PROVINCE_WARD_DIVIDED")}
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; reinstall {PACKAGE}=={PACKAGE_VERSION}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: is not the mapping of old units to new that {PACKAGE} {PACKAGE_VERSION} ships "
                         f"({type(exc).__name__}: {exc}); reinstall that version") from None


def _kind(table: dict, value, where: str) -> str:
    if value not in table:
        raise InputError(f"{where}: the dataset gives the kind of unit {value!r}, which the importer does not know "
                         f"(it knows {', '.join(table)}); add it to kg/graph/gazetteer.py and to scheme:area-kinds")
    return table[value]


def _province_kind(name: str, where: str) -> str:
    for prefix, kind in (("Tỉnh ", "province"), ("Thành phố ", "centrally-run-city")):
        if name.startswith(prefix):
            return kind
    raise InputError(f"{where}: the province {name!r} is neither a Tỉnh nor a Thành phố, the two kinds the importer "
                     "knows; add its kind to kg/graph/gazetteer.py and to scheme:area-kinds")


def read_gazetteer(data: Path | None = None) -> Gazetteer:
    """Every unit of the package's dataset (from ``data``, else the installed package's data folder)."""
    data = Path(data) if data is not None else package_data()
    version, licence, homepage = package_metadata()
    db, mapping = data / "dataset.db", _mapping(data / "converter_2025.json")
    old = _rows(db, "admin_units_legacy", ["province", "provinceShort", "provinceCode", "provinceKey", "provinceLat",
                                           "provinceLon", "district", "districtShort", "districtType", "districtCode",
                                           "districtKey", "districtLat", "districtLon", "ward", "wardShort",
                                           "wardType", "wardCode", "wardKey", "wardLat", "wardLon"])
    new = _rows(db, "admin_units", ["province", "provinceShort", "provinceCode", "provinceKey", "provinceLat",
                                    "provinceLon", "ward", "wardShort", "wardType", "wardCode", "wardKey", "wardLat",
                                    "wardLon", "wardAreaKm2"])
    where = f"{db}"
    # the provinces of each period, by key; a new province made of one old one with its code is unchanged
    old_prov = {r["provinceKey"]: r for r in old}
    new_prov = {r["provinceKey"]: r for r in new}
    unchanged = {k for k, olds in mapping["DICT_PROVINCE"].items()
                 if olds == [k] and k in old_prov and old_prov[k]["provinceCode"] == new_prov[k]["provinceCode"]}
    raw: list[dict] = []  # level, period, code, name, short, kind, parent key, key, lon, lat, area
    for key, r in old_prov.items():
        if key not in unchanged:
            raw.append(dict(level="province", period="before", code=r["provinceCode"], name=r["province"],
                            short=r["provinceShort"], kind=_province_kind(r["province"], where), parent=None,
                            key=("before", key), lon=r["provinceLon"], lat=r["provinceLat"]))
    for key, r in new_prov.items():
        raw.append(dict(level="province", period="both" if key in unchanged else "after", code=r["provinceCode"],
                        name=r["province"], short=r["provinceShort"], kind=_province_kind(r["province"], where),
                        parent=None, key=("after", key), lon=r["provinceLon"], lat=r["provinceLat"]))
    province_of = {("before", k): ("after", k) if k in unchanged else ("before", k) for k in old_prov}
    districts = {(r["provinceKey"], r["districtKey"]): r for r in old}
    for (pkey, dkey), r in districts.items():
        raw.append(dict(level="district", period="before", code=r["districtCode"], name=r["district"],
                        short=r["districtShort"], kind=_kind(DISTRICT_KINDS, r["districtType"], f"{where}: {r['district']}"),
                        parent=province_of[("before", pkey)], key=("before", f"{pkey}_{dkey}_"),
                        lon=r["districtLon"], lat=r["districtLat"]))
    for r in old:
        if r["wardCode"] is None:
            continue  # an island district without communes: the district itself is mapped
        raw.append(dict(level="commune", period="before", code=r["wardCode"], name=r["ward"], short=r["wardShort"],
                        kind=_kind(COMMUNE_KINDS, r["wardType"], f"{where}: {r['ward']}"),
                        parent=("before", f"{r['provinceKey']}_{r['districtKey']}_"),
                        key=("before", f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"),
                        lon=r["wardLon"], lat=r["wardLat"]))
    for r in new:
        raw.append(dict(level="commune", period="after", code=r["wardCode"], name=r["ward"], short=r["wardShort"],
                        kind=_kind(COMMUNE_KINDS, r["wardType"], f"{where}: {r['ward']}"),
                        parent=("after", r["provinceKey"]), key=("after", f"{r['provinceKey']}_{r['wardKey']}"),
                        lon=r["wardLon"], lat=r["wardLat"], area=r["wardAreaKm2"]))
    successors = _successors(mapping, unchanged, {u["key"] for u in raw}, data / "converter_2025.json")
    return Gazetteer(version, licence, homepage, _units(raw, successors, where))


def _successors(mapping: dict, unchanged: set[str], keys: set, path: Path) -> dict[tuple, set[tuple]]:
    """Old unit key -> the keys of the new units it went into, each checked to name a unit of the dataset."""
    out: dict[tuple, set[tuple]] = {}

    def add(old: str, new: str) -> None:
        for key in (("before", old), ("after", new)):
            if key not in keys:
                raise InputError(f"{path}: the mapping names the unit {key[1]!r} ({key[0]} 1 July 2025), which the "
                                 f"dataset does not hold; reinstall {PACKAGE}=={PACKAGE_VERSION}")
        out.setdefault(("before", old), set()).add(("after", new))

    for new, olds in mapping["DICT_PROVINCE"].items():
        for old in olds:
            if new not in unchanged:
                add(old, new)
    for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old in olds:
                add(old, f"{province}_{ward}")
    for province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                add(old, f"{province}_{part['newWardKey']}")
    return out


def _units(raw: list[dict], successors: dict, where: str) -> list[Unit]:
    """The units with their IRIs (curated ones aligned), parents and successors resolved, sorted."""
    local: dict[tuple, str] = {}
    curated: set[str] = set()
    for u in raw:
        english = english_name(u["short"], u["kind"])
        u["english"] = english if u["period"] != "before" else f"{english} (before 1 July 2025)"
        aligned = CURATED.get((u["level"], u["period"], u["code"]))
        if aligned:
            if unaccented(aligned[1]).lower() != unaccented(u["short"]).lower():
                raise InputError(f"{where}: unit {u['code']} is now {u['name']!r}, not {aligned[1]!r}: the alignment "
                                 f"with area:{aligned[0]} is stale; update CURATED in kg/graph/gazetteer.py")
            local[u["key"]] = aligned[0]
            curated.add(aligned[0])
            continue
        name = slug(english)
        if u["level"] != "province":
            name = f"{name}-{u['code']}"
        local[u["key"]] = f"{name}-old" if u["period"] == "before" and u["level"] != "district" else name
    if len(set(local.values())) != len(local):
        twice = sorted({v for v in local.values() if list(local.values()).count(v) > 1})
        raise InputError(f"{where}: two units would get the IRI area:{twice[0]}; make the names in "
                         "kg/graph/gazetteer.py tell them apart")
    missing = [(u["level"], u["period"], u["code"]) for u in raw if u["code"] is None or u["lon"] is None]
    if missing:
        raise InputError(f"{where}: the unit {missing[0]} has no code or no coordinates; reinstall "
                         f"{PACKAGE}=={PACKAGE_VERSION}")
    units = [Unit(local=local[u["key"]], level=u["level"], period=u["period"], kind=u["kind"], code=u["code"],
                  name=u["name"], english=u["english"], parent=local[u["parent"]] if u["parent"] else None,
                  lon=u["lon"], lat=u["lat"], area_km2=u.get("area"),
                  successors=tuple(sorted(local[s] for s in successors.get(u["key"], ()))),
                  curated=local[u["key"]] in curated) for u in raw]
    order = {level: i for i, level in enumerate(LEVELS)} | {p: i for i, p in enumerate(PERIODS)}
    return sorted(units, key=lambda u: (order[u.level], u.code, order[u.period], u.local))
