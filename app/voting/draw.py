"""The verifiable prize draw's arithmetic: anyone can redo it with the published numbers.

winner = pool[int(sha256(seed + "|" + "|".join(sorted pool)).hexdigest(), 16) % n]

Formula 2 (every draw since the pool stopped being published by reference code): the pool is
the sorted list of *draw tags*, one per person, ``pool_tag(code)``: the first 16 hex digits of
an HMAC of the reference code under the site's key. A tag says nothing to someone who only
holds a code (a receipt shared on a social network no longer shows, on the results page,
whether its owner voted for the winning name), while anyone can still redo the draw from the
published seed and tags. Formula 1 (the first draws) ran over the reference codes themselves;
those records keep their codes and are verified as they were made.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

FORMULA_CODES = 1  # the pool published as reference codes
FORMULA_TAGS = 2  # the pool published as draw tags
TAG_LENGTH = 16


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


def pool_tag(code: str, key: bytes) -> str:
    """A person's label in a published pool: 64 bits of HMAC-SHA256(key, code)."""
    return hmac.new(key, f"draw-pool|{code}".encode(), hashlib.sha256).hexdigest()[:TAG_LENGTH]


def mask_name(name: str) -> str:
    """Show the first two letters of each word and hide the rest: ``สมชาย ใจดี`` → ``สม*** ใจ***``."""
    words = name.split()
    return " ".join(word[:2] + "***" for word in words) if words else "***"
