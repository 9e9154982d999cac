"""The app's settings file: defaults, clear errors naming file and key, atomic saves, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_gui import Engine
from orchestrator_gui.core.settings import AppSettings, EndpointSettings, SettingsError, settings_path


def test_no_file_means_defaults() -> None:
    settings = AppSettings.load()
    assert settings.limits.step_timeout_seconds == 30
    assert settings.limits.max_concurrent_runs == 10
    assert settings.network.policy == "any"
    assert not settings_path().exists()


def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"limits": {"stepTimeoutSeconds": -1}, "network": {"policy": "open"}}))
    with pytest.raises(SettingsError) as info:
        AppSettings.load(path)
    message = str(info.value)
    assert str(path) in message
    assert "limits.stepTimeoutSeconds" in message and "network.policy" in message
    path.write_text("{nope")
    with pytest.raises(SettingsError, match="not valid JSON"):
        AppSettings.load(path)


def test_save_round_trips_and_keeps_unknown_keys() -> None:
    settings = AppSettings.from_data({"futureOption": {"x": 1}})
    settings.endpoints["local"] = EndpointSettings(
        base_url="http://127.0.0.1:11434/v1", model="llama3", api_key="${env:OLLAMA_KEY}"
    )
    path = settings.save()
    assert path == settings_path()
    again = AppSettings.load()
    assert again.endpoints["local"].model == "llama3"
    assert json.loads(path.read_text())["futureOption"] == {"x": 1}
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left


def test_limits_come_from_settings() -> None:
    settings = AppSettings.from_data({"limits": {"stepTimeoutSeconds": 0.2, "maxConcurrentRuns": 3}})
    engine = Engine(settings=settings)
    assert engine.limits.step_timeout_seconds == 0.2
    assert engine.limits.max_concurrent_runs == 3
