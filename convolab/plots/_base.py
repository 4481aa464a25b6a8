"""Shared plumbing for plot functions: a non-interactive backend, new axes, saving."""

from __future__ import annotations

from pathlib import Path


def axes_or_new(ax=None, figsize=(7, 4)):
    """Return ``ax``, or the axes of a new figure of ``figsize``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def finish(artist, save: str | Path | None):
    """Tighten the layout and optionally save; return the Axes or Figure unchanged."""
    figure = artist if hasattr(artist, "savefig") else artist.figure
    figure.tight_layout()
    if save is not None:
        figure.savefig(save, dpi=150, bbox_inches="tight")
    return artist
