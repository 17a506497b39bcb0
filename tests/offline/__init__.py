"""Tests of briefer.offline."""
