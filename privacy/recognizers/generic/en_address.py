"""English street addresses ("221B Baker Street", "12 Queen's Road Central, Flat 3")."""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

# USPS street suffixes (the ones Faker and real US addresses use) and the common British ones.
_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl"
    "|Terrace|Close|Crescent|Highway|Hwy|Square|Sq|Alley|Annex|Arcade|Bayou|Beach|Bend|Bluffs?|Bottom"
    "|Branch|Bridge|Brooks?|Burgs?|Bypass|Camp|Canyon|Cape|Causeway|Centers?|Circles?|Cliffs?|Club|Common"
    "|Corners?|Course|Courts|Coves?|Creek|Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives|Estates?"
    "|Expressway|Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway"
    "|Gardens?|Gateway|Glens?|Greens?|Groves?|Harbors?|Haven|Heights|Hills?|Hollow|Inlet|Islands?|Isle"
    "|Junctions?|Keys?|Knolls?|Lakes?|Land|Landing|Lights?|Loaf|Locks?|Lodge|Loop|Mall|Manors?|Meadows?"
    "|Mews|Mills?|Mission|Motorway|Mount|Mountains?|Neck|Orchard|Oval|Overpass|Parks?|Parkways?|Pass"
    "|Passage|Path|Pike|Pines?|Plains?|Plaza|Points?|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|Rest"
    "|Ridges?|River|Roads|Route|Row|Rue|Run|Shoals?|Shores?|Skyway|Springs?|Spurs?|Squares|Station"
    "|Stravenue|Stream|Streets|Summit|Throughway|Trace|Track|Trafficway|Trail|Trailer|Tunnel|Turnpike"
    "|Underpass|Unions?|Valleys?|Viaduct|Views?|Villages?|Ville|Vista|Walks?|Wall|Ways|Wells?|Gardens"
    "|Grove|Hill|Walk|Wynd|Parade|Esplanade|Rise|Gate|Green"
)
_UNIT = r"(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Rm|Floor|Fl)\.?\s*#?\d+[A-Za-z]?"
_WORD = r"\p{Lu}[\p{L}'’\-]+"
# Continental streets: the street word inside the name ("Puruntie", "Brucker Bundesstrasse") or in
# front of it ("Rua do Arenque", "Via Franscini"), then the house number.
_EU_SUFFIX = (
    r"(?:katu|tie|kuja|polku|gatan|vägen|väg|vej|vænget|gade|straße|strasse|str\.|weg|gasse|platz|allee"
    r"|laan|straat|plein|steeg|utca|u\.|ulica|ul\.|út|tér|sor|vegen|veien|tee|puiestee)"
)
_EU_PREFIX = (
    r"(?:Rua|Via|Viale|Calle|Carrer|Rue|Avenida|Avenue|Piazza|Strada|Plaza|Paseo|Largo|Travessa|Praça)"
)


class EnglishAddressRecognizer(ContextPatternRecognizer):
    """House number + capitalised street name + street type; case matters, so no IGNORECASE."""

    ENTITY = "ADDRESS"
    PREFILTER = r"\d"
    FLAGS = re.DOTALL | re.MULTILINE
    PATTERNS = [
        Pattern(
            "en_street_address",
            r"(?<![0-9A-Za-z])(?:\d{1,5}\s)?\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’\-]+\s+){1,4}"
            rf"(?:{_STREET_TYPES})\b\.?"
            r"(?:\s+(?:Central|East|West|North|South))?"
            r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|Room|Rm|Floor)\.?\s*#?[0-9A-Za-z\-]+)?",
            0.6,
        ),
        Pattern(
            "eu_street_suffix",
            rf"(?<![\p{{L}}\d])(?:\d{{1,5}}\s)?(?:{_WORD}\s){{0,2}}\p{{Lu}}[\p{{L}}\-]*{_EU_SUFFIX}\s\d{{1,5}}[A-Za-z]?\b"
            rf"(?:,?\s+{_UNIT})?",
            0.55,
        ),
        Pattern(
            "eu_street_prefix",
            rf"(?<![\p{{L}}\d])(?:\d{{1,5}}\s)?{_EU_PREFIX}\s(?:(?:d[aeiou]s?|del|de|la|le|des|di|della)\s)?(?:{_WORD}\s?){{1,3}}"
            rf"\s?\d{{1,5}}[A-Za-z]?\b(?:,?\s+{_UNIT})?",
            0.55,
        ),
        # Building number, street name, house number ("28245 Puruntie 82", "50066 Rooseveltlaan 110").
        Pattern(
            "number_street_number",
            rf"(?<![\p{{L}}\d])\d{{1,5}}\s(?:{_WORD}\s){{1,3}}\d{{1,5}}\b(?:,?\s+{_UNIT})?",
            0.5,
        ),
        Pattern("unit_alone", rf"(?<![\p{{L}}\d]){_UNIT}\b", 0.5),
        # The postcode after the country on an address block's last line ("Finland 80896"); not a year.
        Pattern(
            "country_postcode",
            r"(?<=^[\s>]*\p{Lu}[\p{L}]+(?:\s\(?\p{L}+\)?)?\s)(?!(?:19|20)\d\d\b)\d{4,5}(?=\s*$)",
            0.5,
        ),
        Pattern("military", r"\b(?:PSC|Unit|CMR)\s\d{4},\sBox\s\d{4}(?:\s+APO\s+A[AEP]\s+\d{5})?", 0.7),
    ]
    CONTEXT = ["address", "live at", "lives at", "located at", "ship to", "mail to"]
