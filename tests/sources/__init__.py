"""Tests of briefer.sources."""
