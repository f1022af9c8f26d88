"""Registering reference layers in a store (`geo reference add/remove/list`)."""
from __future__ import annotations

import re
from pathlib import Path

from .. import store
from .formats import FORMATS, parse_defaults
from .index import Layer, load_layer

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


class LayerError(ValueError):
    """A registration that cannot be made; one line."""


def cache_dir(store_path: Path) -> Path:
    return Path(store_path).parent / ".cache"


def describe(layer: Layer, store_path: Path) -> tuple[str, list[str]]:
    """One line about a layer's snapshots, and one line per file that cannot be used."""
    loaded = load_layer(layer, cache_dir(store_path))
    days = loaded.days
    span = f", {days[0]} to {days[-1]}" if days else ""
    defaults = ",".join(f"{k}={v}" for k, v in sorted(layer.uncovered().items())) or "none"
    return (f"{layer.name}: {layer.fmt}, {len(days)} snapshot(s){span}, uncovered points: {defaults}, {layer.folder}",
            loaded.problems)


def register(store_path: Path, name: str, folder: Path, fmt: str, defaults_text: str | None) -> list[str]:
    """Add (or replace) the layer NAME; refused when its folder holds no usable snapshot."""
    if not NAME.fullmatch(name):
        raise LayerError(f"{name!r}: a layer name is letters, digits, '_', '.', '-' (at most 40, e.g. deepstate)")
    if fmt not in FORMATS:
        raise LayerError(f"{fmt!r}: the formats are {', '.join(FORMATS)}")
    try:
        defaults = parse_defaults(defaults_text)
    except ValueError as exc:
        raise LayerError(f"--default {exc}") from None
    layer = Layer(name, str(Path(folder).resolve()), fmt, defaults)
    line, problems = describe(layer, store_path)
    if not load_layer(layer, cache_dir(store_path)).snapshots:
        raise LayerError(f"{folder}: no usable {fmt} snapshot; nothing registered"
                         + "".join(f"\n  skipped {p}" for p in problems))
    Path(store_path).parent.mkdir(parents=True, exist_ok=True)
    with store.atomic(Path(store_path)) as tx:
        replaced = store.add_reference(tx.db, layer.name, layer.folder, layer.fmt, defaults)
    return [("replaced " if replaced else "added ") + line, *(f"skipped {p}" for p in problems),
            f"run `geo build` to draw it on the map; `geo assess --reference {name}` compares the claims with it"]


def unregister(store_path: Path, name: str) -> bool:
    with store.atomic(Path(store_path)) as tx:
        return store.remove_reference(tx.db, name)
