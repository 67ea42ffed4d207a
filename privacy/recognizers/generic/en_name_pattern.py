"""English names introduced by a phrase ("my name is …", "Dear …", "Directed by: …"): recall the small
spaCy model lacks, for names it has never seen (Rubija, Szöllösy)."""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

_NAME = r"\p{Lu}[\p{Ll}'’\-]+(?:\s\p{Lu}\.?(?=\s))?(?:\s\p{Lu}[\p{Ll}'’\-]+){0,2}"
_INTRO = (
    r"(?<=(?i:\bmy name is|\bname is|\bi am|\bi'm|\bthis is|\bcall me|\bnamed|\bdear|\bmr\.?|\bmrs\.?|\bms\.?"
    r"|\bmiss|\bdr\.?|\bprof\.?|\battn:?|\battention|\bregards,|\bsincerely,|\bthanks,"
    r"|\bmy (?:kid|son|daughter|wife|husband|partner|friend|brother|sister|mother|father|mom|dad|boss"
    r"|colleague|manager|client|name's))\s)"
)
_LABEL = (
    r"(?<=(?i:\bdirected by|\bwritten by|\bauthor|\bname|\bcontact|\bcustomer|\bpatient|\bsigned)"
    r"[:：]\s{0,4})"
)


class EnglishNamePatternRecognizer(ContextPatternRecognizer):
    """Case matters: a capitalised word after the phrase ("I am Tom", not "I am happy")."""

    ENTITY = "PERSON"
    FLAGS = re.DOTALL | re.MULTILINE
    PATTERNS = [
        Pattern("en_name_introduced", _INTRO + _NAME, 0.6),
        Pattern("en_name_after_label", _LABEL + _NAME, 0.6),
    ]
