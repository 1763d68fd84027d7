"""Contracts between the stages: the render tree's layout and index, and the metric names render and monitor share.

Pure data and path arithmetic, below render, so the writer and every reader import one definition.
"""

from . import metrics, tree
from .tree import IndexedSystem, RenderIndex, Tree

__all__ = ["IndexedSystem", "RenderIndex", "Tree", "metrics", "tree"]
