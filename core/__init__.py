"""The small core every layer may import: settings, status vocabularies, time and token helpers.

`core.wiring` (the composition root) and `core.cli` sit at the *top* of the layering instead: they
build and start the whole application and nothing below them imports them.
"""
