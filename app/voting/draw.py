"""The verifiable prize draw's arithmetic: anyone can redo it with the published numbers.

winner = pool[int(sha256(seed + "|" + "|".join(sorted codes)).hexdigest(), 16) % n]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DrawResult:
    seed: str
    codes: tuple[str, ...]  # the pool's reference codes, sorted
    digest: str  # SHA-256 hex of the message below
    index: int  # position of the winner in ``codes``

    @property
    def winner_code(self) -> str:
        return self.codes[self.index]


def draw_message(seed: str, codes: list[str] | tuple[str, ...]) -> str:
    return seed + "|" + "|".join(sorted(codes))


def compute_draw(seed: str, codes: list[str] | tuple[str, ...]) -> DrawResult:
    """Pick one code from ``codes`` by the published rule; the order given does not matter."""
    if not codes:
        raise ValueError("the draw pool is empty")
    ordered = tuple(sorted(codes))
    if len(set(ordered)) != len(ordered):
        raise ValueError("reference codes in a draw pool must be unique")
    digest = hashlib.sha256(draw_message(seed, ordered).encode("utf-8")).hexdigest()
    return DrawResult(seed=seed, codes=ordered, digest=digest, index=int(digest, 16) % len(ordered))


def mask_name(name: str) -> str:
    """Show the first two letters of each word and hide the rest: ``สมชาย ใจดี`` → ``สม*** ใจ***``."""
    words = name.split()
    return " ".join(word[:2] + "***" for word in words) if words else "***"
