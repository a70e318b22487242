"""Randomised tests print their seed, so a failure can be replayed with the same choices."""
import random


def seeded_random(seed: int | None = None) -> random.Random:
    """A Random seeded with `seed` (or a fresh one), the seed printed for the test's log."""
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 30)
    print(f"random seed {seed}")
    return random.Random(seed)
