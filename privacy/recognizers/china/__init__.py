"""Recognizers for mainland-China (and HK/Macau/Taiwan) identifiers, written by rules."""
