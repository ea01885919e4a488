"""sitegen: a static site generator for a U.S. government publications library."""

__version__ = "0.1.0"
