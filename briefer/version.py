"""The version of briefer, in one place (read by the build and by the User-Agent of fetches)."""

__version__ = "0.1.0"
