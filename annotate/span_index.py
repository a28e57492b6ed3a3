"""An ordered index of half-open spans answering overlap queries in O(log n + k)."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Iterator

SpanKey = tuple[int, int, str]
"""A span as (start, end, id); keys sort by start, then end, then id."""


class _Node:
    """A treap node, augmented with the largest end in its subtree."""

    __slots__ = ("end", "key", "left", "max_end", "priority", "right")

    def __init__(self, key: SpanKey, priority: float) -> None:
        self.key = key
        self.end = key[1]
        self.max_end = key[1]
        self.priority = priority
        self.left: _Node | None = None
        self.right: _Node | None = None


def _pull(node: _Node) -> None:
    best = node.end
    if node.left is not None and node.left.max_end > best:
        best = node.left.max_end
    if node.right is not None and node.right.max_end > best:
        best = node.right.max_end
    node.max_end = best


def _split(node: _Node | None, key: SpanKey) -> tuple[_Node | None, _Node | None]:
    """Split into the keys below ``key`` and the keys at or above it."""
    if node is None:
        return None, None
    if node.key < key:
        below, above = _split(node.right, key)
        node.right = below
        _pull(node)
        return node, above
    below, above = _split(node.left, key)
    node.left = above
    _pull(node)
    return below, node


def _merge(low: _Node | None, high: _Node | None) -> _Node | None:
    """Join two treaps where every key of ``low`` is below every key of ``high``."""
    if low is None:
        return high
    if high is None:
        return low
    if low.priority > high.priority:
        low.right = _merge(low.right, high)
        _pull(low)
        return low
    high.left = _merge(low, high.left)
    _pull(high)
    return high


def _insert(node: _Node | None, new: _Node) -> _Node:
    if node is None:
        return new
    if new.priority > node.priority:
        new.left, new.right = _split(node, new.key)
        _pull(new)
        return new
    if new.key < node.key:
        node.left = _insert(node.left, new)
    else:
        node.right = _insert(node.right, new)
    _pull(node)
    return node


def _remove(node: _Node | None, key: SpanKey) -> _Node | None:
    if node is None:
        raise KeyError(key)
    if key == node.key:
        return _merge(node.left, node.right)
    if key < node.key:
        node.left = _remove(node.left, key)
    else:
        node.right = _remove(node.right, key)
    _pull(node)
    return node


def _collect(node: _Node | None, start: int, end: int, out: list[SpanKey]) -> None:
    """Append, in key order, every key of the subtree overlapping [start, end)."""
    while node is not None and node.max_end > start:
        _collect(node.left, start, end, out)
        if node.key[0] >= end:
            return
        if node.end > start:
            out.append(node.key)
        node = node.right


class SpanIndex:
    """A set of span keys kept in order, with fast overlap queries (an augmented treap)."""

    def __init__(self, keys: Iterable[SpanKey] = (), *, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._root: _Node | None = None
        self._size = 0
        self._build(sorted(set(keys)))

    def _build(self, keys: list[SpanKey]) -> None:
        """Build a balanced treap in O(n log n): random priorities, largest at the top."""
        if not keys:
            return

        def balanced(low: int, high: int) -> _Node | None:
            if low >= high:
                return None
            middle = (low + high) // 2
            node = _Node(keys[middle], 0.0)
            node.left = balanced(low, middle)
            node.right = balanced(middle + 1, high)
            return node

        self._root = balanced(0, len(keys))
        priorities = sorted((self._random.random() for _ in keys), reverse=True)
        order: list[_Node] = []
        queue: deque[_Node] = deque([self._root] if self._root else [])
        while queue:
            node = queue.popleft()
            order.append(node)
            queue.extend(child for child in (node.left, node.right) if child is not None)
        for node, priority in zip(order, priorities, strict=True):
            node.priority = priority
        for node in reversed(order):
            _pull(node)
        self._size = len(keys)

    def __len__(self) -> int:
        return self._size

    def add(self, key: SpanKey) -> None:
        """Insert ``key``; it must not be present already."""
        self._root = _insert(self._root, _Node(key, self._random.random()))
        self._size += 1

    def remove(self, key: SpanKey) -> None:
        """Remove ``key``, raising KeyError if it is absent."""
        self._root = _remove(self._root, key)
        self._size -= 1

    def overlapping(self, start: int, end: int) -> list[SpanKey]:
        """Keys whose span shares a position with [start, end), in order; an empty range
        [p, p) asks for the spans containing position p."""
        found: list[SpanKey] = []
        _collect(self._root, start, max(end, start + 1), found)
        return found

    def __iter__(self) -> Iterator[SpanKey]:
        stack: list[_Node] = []
        node = self._root
        while stack or node is not None:
            while node is not None:
                stack.append(node)
                node = node.left
            node = stack.pop()
            yield node.key
            node = node.right
