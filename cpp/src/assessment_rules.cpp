// The playbook's "assessment" section: thresholds for indicators and risk
// flags, stage priors, and which buyer stages are in step with each of ours.
// Every key is optional; what is given overrides the default.
#include "playbook_reader.hpp"

namespace pursuit {

using nlohmann::ordered_json;

bool AssessmentRules::operator==(const AssessmentRules& o) const {
    return window_days == o.window_days && hot_volume == o.hot_volume && warm_volume == o.warm_volume &&
           cooling_days == o.cooling_days && cooling_drop == o.cooling_drop &&
           stalled_evidence_days == o.stalled_evidence_days && stalled_step_days == o.stalled_step_days &&
           stage_priors == o.stage_priors && in_step == o.in_step && severity == o.severity;
}

namespace {

// An object keyed by a vocabulary's ids (each optional), e.g. {"tracking": 0.25}.
template <class E, class F>
void keyed(const json& v, const Reader& r, F&& read_one) {
    if (!v.is_object()) r.fail("", "expected an object keyed by " + std::string(Vocabulary<E>::kind));
    for (const auto& item : v.items()) {
        const auto id = parse_id<E>(item.key());
        if (!id) r.fail("/" + Reader::escape(item.key()), "unknown " + std::string(Vocabulary<E>::kind) + "; expected one of " + expected_ids<E>());
        read_one(*id, item.value(), Reader(r.path() + "/" + item.key()));
    }
}

}  // namespace

AssessmentRules read_assessment(const json& v, const Reader& r) {
    AssessmentRules rules;
    r.object(v, {"connection", "flags", "stage_priors", "in_step"});
    if (v.contains("connection")) {
        const json& c = v.at("connection");
        const Reader rc(r.path() + "/connection");
        rc.object(c, {"window_days", "hot_volume", "warm_volume"});
        if (c.contains("window_days")) rules.window_days = rc.count(c, "window_days", 1);
        if (c.contains("hot_volume")) rules.hot_volume = rc.count(c, "hot_volume", 1);
        if (c.contains("warm_volume")) rules.warm_volume = rc.count(c, "warm_volume", 1);
        if (rules.warm_volume > rules.hot_volume) rc.fail("/warm_volume", "must not exceed hot_volume");
    }
    if (v.contains("flags")) {
        const json& f = v.at("flags");
        const Reader rf(r.path() + "/flags");
        rf.object(f, {"cooling_days", "cooling_drop", "stalled_evidence_days", "stalled_step_days", "severity"});
        if (f.contains("cooling_days")) rules.cooling_days = rf.count(f, "cooling_days", 1);
        if (f.contains("cooling_drop")) rules.cooling_drop = rf.fraction(f, "cooling_drop");
        if (f.contains("stalled_evidence_days")) rules.stalled_evidence_days = rf.count(f, "stalled_evidence_days", 1);
        if (f.contains("stalled_step_days")) rules.stalled_step_days = rf.count(f, "stalled_step_days", 1);
        if (f.contains("severity"))
            keyed<RiskFlag>(f.at("severity"), Reader(rf.path() + "/severity"), [&](RiskFlag flag, const json& s, const Reader& rs) {
                rules.severity[static_cast<std::size_t>(flag)] = rs.term_value<Severity>(s, "");
            });
    }
    if (v.contains("stage_priors"))
        keyed<Step>(v.at("stage_priors"), Reader(r.path() + "/stage_priors"), [&](Step step, const json& p, const Reader& rp) {
            if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 1) rp.fail("", "expected a number from 0 to 1");
            rules.stage_priors[static_cast<std::size_t>(step)] = p.get<double>();
        });
    if (v.contains("in_step"))
        keyed<Step>(v.at("in_step"), Reader(r.path() + "/in_step"), [&](Step step, const json& range, const Reader& rs) {
            if (!range.is_array() || range.size() != 2) rs.fail("", "expected [earliest, latest] buyer stages");
            const auto lo = rs.term_value<BuyerStage>(range[0], "/0"), hi = rs.term_value<BuyerStage>(range[1], "/1");
            if (lo > hi) rs.fail("/1", "must not come before " + quote(to_id(lo)));
            rules.in_step[static_cast<std::size_t>(step)] = {lo, hi};
        });
    return rules;
}

ordered_json write_assessment(const AssessmentRules& rules) {
    ordered_json severity = ordered_json::object(), priors = ordered_json::object(), in_step = ordered_json::object();
    for (std::size_t i = 0; i < size<RiskFlag>(); ++i)
        severity[std::string(to_id(static_cast<RiskFlag>(i)))] = to_id(rules.severity[i]);
    for (std::size_t i = 0; i < size<Step>(); ++i) {
        const std::string step(to_id(static_cast<Step>(i)));
        priors[step] = rules.stage_priors[i];
        in_step[step] = {to_id(rules.in_step[i][0]), to_id(rules.in_step[i][1])};
    }
    return {
        {"connection", {{"window_days", rules.window_days}, {"hot_volume", rules.hot_volume}, {"warm_volume", rules.warm_volume}}},
        {"flags", {{"cooling_days", rules.cooling_days}, {"cooling_drop", rules.cooling_drop},
                   {"stalled_evidence_days", rules.stalled_evidence_days}, {"stalled_step_days", rules.stalled_step_days},
                   {"severity", severity}}},
        {"stage_priors", priors},
        {"in_step", in_step},
    };
}

}  // namespace pursuit
