"""Tests of briefer.extraction."""
