"""Recognizers that are not tied to one country: e-mail, passports, English addresses and phones."""
