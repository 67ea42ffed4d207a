"""`yaml.safe_load` with a bound on the size the document expands to.

`safe_load` builds aliases as shared objects, so a few hundred bytes of nested anchors (the "billion
laughs") load instantly, and the damage happens later when something turns the value into text: 9⁹
copies of a string take gigabytes. Here the composed node graph is measured first, counting each
alias as the full copy it stands for, and a document over the bound is refused before it is built.
"""

from __future__ import annotations

import yaml

from knowledge.errors import LimitExceeded

# Expanded size in characters (scalars count their length, collections 1): ample for any hand-written
# knowledge file, whose expanded size without aliases is at most its own size (uploads ≤ 10 MiB).
MAX_EXPANDED_CHARS = 16_000_000


def safe_load(text: str, source: object = "<yaml>", max_expanded: int = MAX_EXPANDED_CHARS) -> object:
    """Like `yaml.safe_load`; raises `LimitExceeded` if aliases expand past `max_expanded` characters
    or refer to themselves, and `yaml.YAMLError` for invalid YAML."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError as exc:
            raise LimitExceeded(source, "YAML nested too deeply") from exc
        if node is None:
            return None
        expanded = expanded_size(node, max_expanded)
        if expanded is None:
            raise LimitExceeded(
                source, f"YAML aliases expand past {max_expanded:,} characters (or refer to themselves)"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def expanded_size(root: yaml.Node, limit: int) -> int | None:
    """The size `root` stands for with every alias copied out, or None once it passes `limit` or a
    node contains itself. Iterative (no recursion limit) and linear in the composed graph."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(key)
            total = max(1, len(node.value)) if isinstance(node, yaml.ScalarNode) else 1
            total += sum(sizes[id(child)] for child in children)
            if total > limit:
                return None
            sizes[key] = total
            continue
        if key in open_nodes:
            return None  # reached again while its own children are being measured: a cycle
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return None
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
