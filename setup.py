"""Build hook (metadata lives in pyproject.toml): the wheel carries the top-level
``resources/`` folder as ``musicpractice/resources``, where
``musicpractice.core.resources`` looks first. Editable installs read ``resources/`` in
the checkout instead. The scripts that build the resources (``*.py``) stay out.
:func:`resource_files` is also the list ``packaging/musicpractice.spec`` bundles.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


def resource_files() -> list[Path]:
    """The files to ship, relative to ``resources/``."""
    return sorted(p.relative_to(RESOURCES) for p in RESOURCES.rglob("*")
                  if p.is_file() and p.suffix not in {".py", ".pyc"} and p.name != ".lock"
                  and "__pycache__" not in p.parts)


class BuildPyWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "musicpractice" / "resources"
        for relative in resource_files():
            self.mkpath(str((target / relative).parent))
            self.copy_file(str(RESOURCES / relative), str(target / relative))


if __name__ == "__main__":  # setuptools runs this file as __main__; the spec only reads it
    setup(cmdclass={"build_py": BuildPyWithResources})
