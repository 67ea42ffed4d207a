"""Model-backed recognizers: LAC for Chinese names and places, spaCy for English names."""
