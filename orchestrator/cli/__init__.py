"""The command line: presents what the stages return, and is the only place that writes files for them."""

from .app import main

__all__ = ["main"]
