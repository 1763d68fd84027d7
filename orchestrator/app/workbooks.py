"""The Excel template a department fills in, bound on first use: openpyxl (and numpy under it) loads only for the
commands that make or read a workbook."""

from ..plan import build_template

__all__ = ["build_template"]
