"""Evidence: every quote located in its article (`grounding`) and checked to support its item (`support`), for both extractors."""
