"""Tests of briefer.day."""
