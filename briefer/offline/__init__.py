"""The embedded offline extractor: spaCy's pipeline (`nlp`), sentences, pledges, deadlines, actors and aliases;
no model, no download."""
