// The playbook: what each gate requires, as data. The machine's structure
// (which moves exist) is compiled in; the policy (what evidence a move needs)
// is a JSON document an organisation can tighten or relax without recompiling.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pursuit/facts.hpp"

namespace pursuit {

struct Bilingual {
    std::string en, zh;
    const std::string& in(Lang lang) const { return lang == Lang::zh ? zh : en; }
    auto fields() const { return std::tie(en, zh); }
};

class Opportunity;

// A requirement beyond the built-in kinds: called with the opportunity being
// judged, true when met. (Python callables arrive this way.)
using CustomCheck = std::function<bool(const Opportunity&)>;

// One requirement of a gate. Which parameters apply depends on `kind`:
//   answer               criterion, answers (the answer must be one of them)
//   signals              min, signal_kinds (any kind when empty)
//   contacts             min, role, min_authority, stances, access (active contacts matching all)
//   evidence             min, evidence_kinds (any of them), max_age_days
//   insights             topics (each must be covered)
//   competitor_assessed  (a competitor recorded, or the finding that there is none)
//   buyer_stage          min_stage
//   custom               check
struct Requirement {
    std::string code;  // unique within its gate, e.g. "key_person_access"
    RequirementKind kind{};
    Bilingual text;    // what is required
    Bilingual action;  // what to do when it is missing
    std::uint32_t min = 1;
    std::optional<Criterion> criterion;
    std::vector<Answer> answers;
    std::vector<SignalKind> signal_kinds;
    std::optional<Role> role;
    std::optional<Authority> min_authority;
    std::vector<Stance> stances;
    std::optional<bool> access;
    std::vector<EvidenceKind> evidence_kinds;
    std::optional<std::uint32_t> max_age_days;
    std::vector<InsightTopic> topics;
    std::optional<BuyerStage> min_stage;
    CustomCheck check;
};

// Thresholds and priors for assessing opportunities (assessment.hpp): the
// playbook's optional "assessment" section overrides any of them.
struct AssessmentRules {
    std::uint32_t window_days = 30;            // connection: the recent window, compared with the one before
    std::uint32_t hot_volume = 6;              // interactions in the window for "hot"
    std::uint32_t warm_volume = 2;             // ... and for "warm"
    std::uint32_t cooling_days = 21;           // no interaction for this long: cooling
    double cooling_drop = 0.5;                 // or the window's volume below this share of the one before
    std::uint32_t stalled_evidence_days = 45;  // stalled: no new evidence for this long
    std::uint32_t stalled_step_days = 90;      // ... or this long in one step
    // Chance of winning by step, before any model (the calibration baseline).
    std::array<double, size<Step>()> stage_priors{0.05, 0.10, 0.25, 0.45, 0.70};
    // The buyer stages in step with each of our steps: before the first we are
    // ahead of the buyer, past the second behind.
    std::array<std::array<BuyerStage, 2>, size<Step>()> in_step{{
        {BuyerStage::need_awareness, BuyerStage::need_definition},
        {BuyerStage::need_awareness, BuyerStage::need_definition},
        {BuyerStage::need_awareness, BuyerStage::evaluation},
        {BuyerStage::need_definition, BuyerStage::evaluation},
        {BuyerStage::evaluation, BuyerStage::purchased},
    }};
    std::array<Severity, size<RiskFlag>()> severity{
        Severity::high,    // no_key_person_access
        Severity::medium,  // single_threaded
        Severity::medium,  // no_advocate
        Severity::medium,  // no_sales_guide
        Severity::high,    // competitor_tie_authority
        Severity::high,    // criteria_misaligned
        Severity::high,    // behind_buyer
        Severity::medium,  // ahead_of_buyer
        Severity::medium,  // connection_cooling
        Severity::medium,  // stalled
        Severity::high,    // unfunded
        Severity::high,    // key_person_changed
    };
    bool operator==(const AssessmentRules& o) const;
};

// A playbook document that does not validate: `path` is a JSON Pointer to the
// offending value ("/gates/tracking/2/min"), `reason` what was expected.
class PlaybookError : public std::runtime_error {
public:
    PlaybookError(std::string path, std::string reason);
    const std::string& path() const noexcept { return path_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string path_, reason_;
};

class Playbook {
public:
    // DOMAIN.md's default gates.
    static std::shared_ptr<const Playbook> default_playbook();
    static Playbook from_json(const nlohmann::json& document);  // throws PlaybookError
    static Playbook parse(std::string_view text);                // throws PlaybookError
    nlohmann::ordered_json to_json() const;                      // custom checks are not data: omitted

    const std::string& name() const { return name_; }
    const std::vector<Requirement>& gate(Gate g) const { return gates_[static_cast<std::size_t>(g)]; }
    const AssessmentRules& assessment() const { return assessment_; }
    bool has_custom() const { return has_custom_; }
    // Adds a custom requirement (code unique within the gate, texts non-empty).
    void add_custom(Gate g, std::string code, Bilingual text, Bilingual action, CustomCheck check);

private:
    std::string name_ = "custom";
    std::array<std::vector<Requirement>, size<Gate>()> gates_;
    bool has_custom_ = false;  // asked on every apply: kept, not recomputed
    AssessmentRules assessment_;
};

// The method's order, stated once: the gate that leads on from each step
// (verification's leads to won). The machine's advance and win rows are
// checked against it when lifecycle.cpp compiles; every other statement of
// the order below derives from it.
inline constexpr std::array<Gate, size<Step>()> kGateOnFrom{Gate::qualification, Gate::tracking, Gate::monitoring,
                                                           Gate::verification, Gate::won};

constexpr Gate gate_on_from(Step step) { return kGateOnFrom[static_cast<std::size_t>(step)]; }

// The gate that leads into `step` (identification has none).
constexpr std::optional<Gate> gate_into(Step step) {
    if (step == Step::identification) return std::nullopt;
    return kGateOnFrom[static_cast<std::size_t>(step) - 1];
}

// The gates passed to reach `step`, in order (a view of the constant).
struct GateRange {
    const Gate* first;
    const Gate* last;
    constexpr const Gate* begin() const { return first; }
    constexpr const Gate* end() const { return last; }
};
constexpr GateRange gates_through(Step step) {
    return {kGateOnFrom.data(), kGateOnFrom.data() + static_cast<std::size_t>(step)};
}
// The gates still ahead of `step`, ending with the gate to won.
constexpr GateRange gates_ahead(Step step) {
    return {kGateOnFrom.data() + static_cast<std::size_t>(step), kGateOnFrom.data() + kGateOnFrom.size()};
}

}  // namespace pursuit
