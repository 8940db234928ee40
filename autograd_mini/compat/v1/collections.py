"""TF1's graph collections: named lists of things kept in the graph (``tf.add_to_collection``,
``tf.get_collection``), as the course gathers its regularization losses::

    tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(0.01)(w))
    loss = cross_entropy + tf.add_n(tf.get_collection("losses"))
"""

from __future__ import annotations

import re
from typing import Any

from .graph import get_default_graph


class GraphKeys:
    """The names TF1 gives its standard collections."""

    GLOBAL_VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    UPDATE_OPS = "update_ops"


def add_to_collection(name: str, value: Any) -> None:
    """Append ``value`` to the default graph's collection ``name``."""
    get_default_graph().collections.setdefault(name, []).append(value)


def add_to_collections(names: Any, value: Any) -> None:
    """Append ``value`` to each collection in ``names`` (one name or a list)."""
    for name in [names] if isinstance(names, str) else dict.fromkeys(names):
        add_to_collection(name, value)


def get_collection(key: str, scope: str | None = None) -> list:
    """A copy of the default graph's collection ``key`` ([] if it has none); with ``scope``,
    only the items whose name starts with a match of that regular expression. The two
    variable keys hold the graph's (trainable) variables."""
    graph = get_default_graph()
    if key == GraphKeys.GLOBAL_VARIABLES:
        items = list(graph.variables)
    elif key == GraphKeys.TRAINABLE_VARIABLES:
        items = [v for v in graph.variables if v.trainable]
    else:
        items = list(graph.collections.get(key, ()))
    if scope is None:
        return items
    return [x for x in items if re.match(scope, getattr(x, "name", ""))]


def get_collection_ref(key: str) -> list:
    """The default graph's collection ``key`` itself (created empty if new), to change in place."""
    return get_default_graph().collections.setdefault(key, [])
