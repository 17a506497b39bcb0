"""Tests of briefer.memory."""
