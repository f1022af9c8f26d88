"""Everything about the package is in pyproject.toml except one build step: a wheel carries the run-time files
of the top-level `gazetteer/` folder (built there by gazetteer/build.py and kept there, beside their inputs,
sources and licences) as `geo/places/shipped/`, where `geo.places.gazetteer` finds them when no checkout is
around it. An editable install reads `gazetteer/` in the checkout itself and copies nothing.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# The files of gazetteer/ that a build, `geo resolve` and `geo gazetteer add` read, and the licences of their data.
SHIPPED = ("settlements.csv", "spellings.tsv", "area_points.csv", "base_layers.json", "orientation.json", "inputs/oblasts.geojson",
           "inputs/raions.geojson", "SOURCES.md")
TARGET = Path("geo", "places", "shipped")


class BuildPyWithGazetteer(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SHIPPED:
            dest = Path(self.build_lib, TARGET, name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / "gazetteer" / name, dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        shipped = [] if getattr(self, "editable_mode", False) else [
            str(Path(self.build_lib, TARGET, name)) for name in SHIPPED]
        return list(super().get_outputs(include_bytecode)) + shipped


setup(cmdclass={"build_py": BuildPyWithGazetteer})
