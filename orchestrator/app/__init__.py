"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .executors import GatePolicy, build_executor
from .portfolio import Portfolio

__all__ = ["GatePolicy", "Portfolio", "build_executor"]
