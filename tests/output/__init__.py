"""Tests of briefer.output."""
