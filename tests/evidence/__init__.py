"""Tests of briefer.evidence."""
