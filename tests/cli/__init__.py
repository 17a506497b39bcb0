"""Tests of briefer.cli."""
