"""Drawings of the computation graph for lectures: graphviz pictures, backward-pass
tables and animations, and text or Mermaid views that need no graphviz.

``draw_graph(loss)`` gives a ``graphviz.Digraph`` that shows inline in Jupyter and
renders to SVG, PNG or PDF; ``explain_backward`` and ``animate_backward`` walk through
the backward pass step by step.
"""

from __future__ import annotations

from .graphviz import DotNotFoundError, GraphDrawing, draw_graph
from .html import to_html
from .lecture import (
    Animation,
    BackwardTable,
    BackwardWalk,
    animate_backward,
    explain_backward,
)
from .text import to_mermaid, to_text

__all__ = [
    "draw_graph", "explain_backward", "animate_backward", "to_html", "to_text", "to_mermaid",
    "BackwardWalk", "BackwardTable", "Animation", "GraphDrawing", "DotNotFoundError",
]
