"""Tests of briefer.model."""
