"""How the map is drawn, shared by its page and its picture: the projection, institutions that share a point,
and the colours of support given and received.

The map is an equirectangular projection of longitude and latitude over Vietnam's extent: a degree of
longitude is drawn cos(mid-latitude) as wide as a degree of latitude is high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.errors import InputError

#: Vietnam's extent with a margin, in degrees (west, south, east, north): from about 102.1 to 109.5 east
#: and 8.6 to 23.4 north on land. A point outside it is not drawn, and the page lists what it leaves out.
BOUNDS = (102.0, 8.0, 110.0, 23.5)

#: The width of the map, in the page's units (SVG user units) and the picture's; the height follows.
WIDTH = 600.0


@dataclass(frozen=True)
class Frame:
    """The equirectangular projection of ``bounds`` onto a map ``width`` wide (y grows downwards).

    >>> frame = Frame()
    >>> frame.height, frame.xy(102.0, 23.5), frame.xy(110.0, 8.0)
    (1207.85, (0.0, 0.0), (600.0, 1207.85))
    """

    bounds: tuple[float, float, float, float] = BOUNDS
    width: float = WIDTH

    @property
    def scale(self) -> tuple[float, float]:
        """Map units per degree of longitude and of latitude: a degree of longitude is cos(mid-latitude)
        of a degree of latitude."""
        west, south, east, north = self.bounds
        per_lon = self.width / (east - west)
        return per_lon, per_lon / math.cos(math.radians((south + north) / 2))

    @property
    def height(self) -> float:
        return round((self.bounds[3] - self.bounds[1]) * self.scale[1], 2)

    def contains(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.bounds
        return west <= lon <= east and south <= lat <= north

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """The map position of a point, rounded to 0.01 unit."""
        west, _, _, north = self.bounds
        per_lon, per_lat = self.scale
        return round((lon - west) * per_lon, 2) + 0.0, round((north - lat) * per_lat, 2) + 0.0


#: Spacing of institutions that share a point, in map units: they are laid on a sunflower spiral around it.
SPREAD = 6.0


def spread(count: int) -> list[tuple[float, float]]:
    """Offsets ``(dx, dy)`` for ``count`` institutions at one point: none for one, a sunflower spiral for more
    (the i-th at distance SPREAD * sqrt(i + 0.5), turned by the golden angle each time), so that none hides another.

    >>> spread(1), spread(2)
    ([(0.0, 0.0)], [(0.0, -4.24), (4.96, 5.42)])
    """
    if count == 1:
        return [(0.0, 0.0)]
    golden = math.pi * (3 - math.sqrt(5))
    out = []
    for i in range(count):
        r, angle = SPREAD * math.sqrt(i + 0.5), i * golden - math.pi / 2
        out.append((round(r * math.cos(angle), 2) + 0.0, round(r * math.sin(angle), 2) + 0.0))
    return out


#: Colours of the support role (Okabe-Ito, colour-blind safe): gives support, receives it, both, neither.
ROLE_COLOURS = {"given": "#D55E00", "received": "#0072B2", "both": "#CC79A7", "none": "#BBBBBB"}

#: What a map can be coloured by: the role, or the links given or received in shades of the role's colour.
COLOUR_MODES = ("role", "given", "received")


def shade(colour: str, strength: float) -> str:
    """``colour`` mixed with white: at ``strength`` 1 the colour itself, at 0 white (channels rounded half up,
    as the page's script rounds them).

    >>> shade("#0072B2", 1.0), shade("#0072B2", 0.25)
    ('#0072B2', '#BFDCEC')
    """
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{math.floor(255 + (c - 255) * strength + 0.5):02X}" for c in channels)


def support_colour(given: float, received: float, by: str = "role", top: float = 1.0) -> str:
    """The colour of a node that gave ``given`` and received ``received`` support links: by role, or by the
    links given (or received) in a shade of the role's colour, from a quarter of it up to the full colour at
    ``top``, the most of any node drawn; grey for none.

    >>> support_colour(2, 1), support_colour(2, 0), support_colour(0, 3), support_colour(0, 0)
    ('#CC79A7', '#D55E00', '#0072B2', '#BBBBBB')
    >>> support_colour(2, 1, "given", top=2), support_colour(2, 1, "received", top=4), support_colour(2, 0, "received")
    ('#D55E00', '#8FC1DD', '#BBBBBB')
    """
    if by not in COLOUR_MODES:
        raise InputError(f"colour the map by '{by}': choose {', '.join(COLOUR_MODES)}")
    if by == "role":
        role = "both" if given and received else "given" if given else "received" if received else "none"
        return ROLE_COLOURS[role]
    value = given if by == "given" else received
    if not value:
        return ROLE_COLOURS["none"]
    return shade(ROLE_COLOURS[by], 0.25 + 0.75 * value / top)
