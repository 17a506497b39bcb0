"""The embedded offline extractor: spaCy's pipeline (`nlp`), sentences, pledges, deadlines, actors and aliases, with no model and no download."""
