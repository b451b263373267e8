"""The win model from Python: fit on closed opportunities, predict, save, calibrate on a time split."""

import json

import numpy as np
import pandas as pd
import pytest

import pursuit
from pursuit import Pipeline, Store
from pursuit.model import FEATURES, WinModel, calibrate

from story import Story


def closed_stories() -> list[dict]:
    """Two won at verification, one lost at verification, two lost early."""
    events = []
    for id in ("W1", "W2", "L1"):
        s = Story(id)
        events += s.to("verification")
        events += s.evidence_for("won") + [s.make("win")] if id != "L1" else [s.make("lose", reason="competitor")]
    for id in ("L2", "L3"):
        s = Story(id)
        events += s.to("qualification") + [s.make("lose", reason="budget")]
    s = Story("OPEN")
    events += s.to("verification")
    return events


def test_fit_counts_closed_opportunities_and_scores_like_the_hand_computation():
    p = Pipeline()
    p.apply(closed_stories())
    m = WinModel.fit(p, features=["steps"])
    assert m.trained_on == {"won": 2, "lost": 3}
    counts = m._core.counts
    assert counts["reached:verification"] == [2, 1] and counts["reached:qualification"] == [2, 3]
    # OPEN is at verification: prior (2+1)/(3+1); reached:verification (2+1)/(2+2) vs (1+1)/(3+2)
    odds = 3 / 4 * (3 / 4) / (2 / 5)
    assert m.predict(p)["OPEN"] == pytest.approx(odds / (1 + odds))


def test_predict_save_load(tmp_path):
    p = Pipeline()
    p.apply(closed_stories())
    m = WinModel.fit(p)
    path = tmp_path / "model.json"
    m.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "pursuit.win_model" and doc["features"] == list(FEATURES)
    again = WinModel.load(path)
    pd.testing.assert_series_equal(again.predict(p), m.predict(p))
    assert ((m.predict(p) >= 0) & (m.predict(p) <= 1)).all()
    explained = m.explain(["reached:verification", "never-seen"])
    assert explained["log_odds"].iloc[1] == 0.0
    with pytest.raises(ValueError, match="unknown feature families"):
        WinModel.fit(p, features=["horoscope"])
    with pytest.raises(ValueError, match="win model"):
        WinModel.from_json('{"format": "x"}')


def test_segments_from_a_dataframe_are_tokens():
    p = Pipeline()
    p.apply(closed_stories())
    seg = pd.DataFrame({"opportunity": ["W1", "W2", "L1", "L2", "L3", "OPEN"],
                        "region": ["east", "east", "west", "west", "west", "east"]})
    m = WinModel.fit(p, segments=seg, features=["segments"])
    assert m._core.counts["segment:region=east"] == [2, 0]
    assert m.predict(p, segments=seg)["OPEN"] > m.predict(p, segments=seg.assign(region="west"))["OPEN"]


def test_calibration_on_a_time_split(sample_path):
    c = calibrate(sample_path, "2026-01-01", features=["steps"])
    assert c.n_train > 30 and c.n_test > 30
    assert 0 <= c.brier_model <= 1 and 0 <= c.brier_prior <= 1
    assert c.reliability["n_model"].sum() == c.n_test == c.reliability["n_prior"].sum()
    assert set(c.scores.columns) == {"opportunity", "step", "won", "p_model", "p_prior"}
    # the same split from a store gives the same figures
    s = calibrate(_store(sample_path), "2026-01-01", features=["steps"])
    assert s.brier_model == pytest.approx(c.brier_model) and s.n_test == c.n_test
    with pytest.raises(ValueError, match="nothing to score"):
        calibrate(sample_path, "2030-01-01")


def _store(path):
    import tempfile

    store = Store(tempfile.mkdtemp() + "/s.db")
    store.ingest(path)
    return store
