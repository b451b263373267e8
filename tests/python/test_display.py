import pursuit
from pursuit import Opportunity, Pipeline

from story import Story

HOSTILE = '<script>alert("x")</script>&'


def test_opportunity_html_escapes_user_text_and_marks_the_step():
    s = Story(HOSTILE)
    opp = Opportunity(HOSTILE)
    opp.apply_all([s.open(account=HOSTILE, name="<b>deal</b>")] + s.evidence_for("qualification"))
    html = opp._repr_html_()
    assert "<script>" not in html and "<b>deal</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    assert '<span class="step current">Identification</span>' in html
    assert "Recent history" in html


def test_risk_flags_in_the_html_escape_the_facts():
    s = Story("OPP-1")
    opp = Opportunity("OPP-1")
    opp.apply_all([s.open(), s.make("contact", contact=HOSTILE, roles=["competitor_tie"], authority="high")])
    html = opp._repr_html_()
    assert "Risk flags" in html and "A contact tied to a competitor has high authority" in html
    assert "<script>" not in html and "contact=&lt;script&gt;" in html


def test_opportunity_html_follows_the_language_setting():
    s = Story()
    opp = Opportunity("OPP-1")
    opp.apply_all(s.to("tracking"))
    pursuit.options.lang = "zh"
    try:
        html = opp._repr_html_()
    finally:
        pursuit.options.lang = "en"
    assert '<span class="step current">跟踪</span>' in html
    assert "培养在我们不在场时为我们说话的代言人" in html
    assert "风险标记" in html and "没有代言人" in html


def test_pipeline_html_summarises_by_step_and_buyer_stage(stories_path):
    p = Pipeline()
    p.apply(stories_path)
    html = p._repr_html_()
    assert "<b>12</b> opportunities" in html and "By step" in html and "By buyer stage" in html
    assert "Won" in html and "Evaluation" in html
    pursuit.options.lang = "zh"
    try:
        assert "按购买阶段" in p._repr_html_()
    finally:
        pursuit.options.lang = "en"


def test_options_validate_the_language():
    import pytest

    with pytest.raises(ValueError, match="unknown language"):
        pursuit.options.lang = "fr"
