"""briefer: turn news articles into grounded briefings."""

__version__ = "0.1.0"
