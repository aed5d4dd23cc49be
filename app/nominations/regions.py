"""The wellbeing services counties, by their official names in Finnish, Swedish and English.

A nominee's region is stored in Finnish, as the form sends it, whatever language the
nominator read; pages show it in their own language. The names are the official ones
(Act on Wellbeing Services Counties 611/2021; the Government's English names), kept here
rather than in the message catalogues: each is a proper name with one right form per
language, and the Finnish one is the stored value.
"""

from flask_babel import LazyString, get_locale
from wtforms import SelectChoice

from app.models.content import Shown

# The 21 wellbeing services counties, and Helsinki, which arranges its own services:
# Finnish (stored) -> (Swedish, English).
REGION_NAMES = {
    "Etelä-Karjala": ("Södra Karelen", "South Karelia"),
    "Etelä-Pohjanmaa": ("Södra Österbotten", "South Ostrobothnia"),
    "Etelä-Savo": ("Södra Savolax", "South Savo"),
    "Helsinki": ("Helsingfors", "Helsinki"),
    "Itä-Uusimaa": ("Östra Nyland", "East Uusimaa"),
    "Kainuu": ("Kajanaland", "Kainuu"),
    "Kanta-Häme": ("Egentliga Tavastland", "Kanta-Häme"),
    "Keski-Pohjanmaa": ("Mellersta Österbotten", "Central Ostrobothnia"),
    "Keski-Suomi": ("Mellersta Finland", "Central Finland"),
    "Keski-Uusimaa": ("Mellersta Nyland", "Central Uusimaa"),
    "Kymenlaakso": ("Kymmenedalen", "Kymenlaakso"),
    "Lappi": ("Lappland", "Lapland"),
    "Länsi-Uusimaa": ("Västra Nyland", "West Uusimaa"),
    "Pirkanmaa": ("Birkaland", "Pirkanmaa"),
    "Pohjanmaa": ("Österbotten", "Ostrobothnia"),
    "Pohjois-Karjala": ("Norra Karelen", "North Karelia"),
    "Pohjois-Pohjanmaa": ("Norra Österbotten", "North Ostrobothnia"),
    "Pohjois-Savo": ("Norra Savolax", "North Savo"),
    "Päijät-Häme": ("Päijänne-Tavastland", "Päijät-Häme"),
    "Satakunta": ("Satakunta", "Satakunta"),
    "Vantaa-Kerava": ("Vanda och Kervo", "Vantaa and Kerava"),
    "Varsinais-Suomi": ("Egentliga Finland", "Southwest Finland"),
}
REGIONS = list(REGION_NAMES)
# A participant's answer "Other / not in Finland" to an event's region question
# (app.reports.person_region), stored in Finnish too; never an event's or a nominee's.
OTHER_REGION = "Muu / ei Suomessa"
_NAMES = REGION_NAMES | {OTHER_REGION: ("Annat / inte i Finland", "Other / not in Finland")}


def region_name(stored: str, locale: str) -> Shown:
    """A stored region in `locale`; a value not on the list (typed before it existed) as
    it is, in Finnish."""
    names = _NAMES.get(stored)
    if names is None or locale == "fi":
        return Shown(stored, "fi")
    return Shown(names[0] if locale == "sv" else names[1], locale)


def lazy_region_name(stored: str) -> LazyString:
    """The region's name in the language of the page being drawn, for a form's choices."""
    return LazyString(lambda: region_name(stored, str(get_locale())).text)


def region_choices(*first: SelectChoice) -> list[SelectChoice]:
    """A select's choices: `first` (such as "Not given"), then every county by its name in
    the page's language, the Finnish name the value."""
    return [*first, *(SelectChoice(region, lazy_region_name(region)) for region in REGIONS)]
