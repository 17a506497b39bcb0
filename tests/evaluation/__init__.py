"""Tests of briefer.evaluation."""
