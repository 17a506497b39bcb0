"""Evidence: every quote located in its article (`grounding`) and checked to support its item (`support`).

Both extractors use it; it depends on nothing but the core."""
