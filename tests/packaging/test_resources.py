"""The resource locator: one function finds icons, the demo and the examples in a source
checkout, in an installed wheel (see test_wheel.py) and in the frozen application."""

from pathlib import Path

import pytest

from musicpractice.core import resources
from musicpractice.core.resources import ResourceMissingError, resource_path, resources_dir

CHECKOUT_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def test_source_checkout_uses_its_resources_folder():
    assert resources_dir() == CHECKOUT_RESOURCES
    assert resource_path("icons", "musicpractice.svg").read_bytes().startswith(b"<svg")
    assert (resource_path("demo", "Demo.mpsession") / "session.json").is_file()
    assert resource_path("examples/twinkle_voice.flac").stat().st_size > 100_000


def test_installed_copy_comes_first(tmp_path, monkeypatch):
    installed = tmp_path / "musicpractice" / "resources"
    (installed / "icons").mkdir(parents=True)
    (installed / "icons" / "musicpractice.svg").write_text("<svg/>")
    monkeypatch.setattr(resources, "CANDIDATES", (installed, CHECKOUT_RESOURCES))
    assert resource_path("icons", "musicpractice.svg") == installed / "icons" / "musicpractice.svg"


def test_a_missing_resource_says_what_and_where():
    with pytest.raises(ResourceMissingError, match=r"demo/Nothing\.mpsession is missing from .*reinstall"):
        resource_path("demo", "Nothing.mpsession")


def test_a_missing_resources_folder_names_the_places_searched(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "CANDIDATES", (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(ResourceMissingError, match="resources .* are missing; looked in .*a and .*b"):
        resource_path("icons", "musicpractice.svg")
