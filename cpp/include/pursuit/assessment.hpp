// Assessing an opportunity: the method's verification indicators (connection
// state, progress, buying stage against our step), explainable risk flags,
// next-step guidance, the stage prior and forecast category, and the feature
// tokens the win model learns from. Thresholds come from the playbook's
// AssessmentRules. Pure functions of the opportunity and a moment.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pursuit/opportunity.hpp"

namespace pursuit {

// 关联状态指标: how much the two sides exchange.
struct Connection {
    std::uint32_t inbound = 0, outbound = 0, mutual = 0;  // all interaction volume so far, by direction
    std::uint32_t recent = 0, previous = 0;               // volume in the window to `as_of`, and the one before
    double days_since_last = -1;                          // -1: no interaction yet
    ConnectionLevel level = ConnectionLevel::cold;
    bool cooling = false;
};

// A set of evidence kinds, a bit each (no allocation), listed in the vocabulary's order.
class EvidenceSet {
public:
    EvidenceSet() = default;
    void add(EvidenceKind k) { bits_ = static_cast<std::uint16_t>(bits_ | bit(k)); }
    bool contains(EvidenceKind k) const { return (bits_ & bit(k)) != 0; }
    bool empty() const { return bits_ == 0; }
    std::size_t size() const {
        std::size_t n = 0;
        for (auto b = bits_; b; b = static_cast<std::uint16_t>(b & (b - 1))) ++n;
        return n;
    }
    EvidenceSet without(EvidenceSet other) const { return EvidenceSet(static_cast<std::uint16_t>(bits_ & ~other.bits_)); }
    std::vector<EvidenceKind> kinds() const {
        std::vector<EvidenceKind> out;
        for (std::size_t k = 0; k < pursuit::size<EvidenceKind>(); ++k)
            if (contains(static_cast<EvidenceKind>(k))) out.push_back(static_cast<EvidenceKind>(k));
        return out;
    }
    bool operator==(EvidenceSet o) const { return bits_ == o.bits_; }

private:
    static_assert(pursuit::size<EvidenceKind>() <= 16, "a bit per evidence kind");
    explicit EvidenceSet(std::uint16_t bits) : bits_(bits) {}
    static std::uint16_t bit(EvidenceKind k) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(k)); }
    std::uint16_t bits_ = 0;
};

// 取得的进展: the buyer's commitments held, against what the gates ahead need.
struct Progress {
    EvidenceSet held;     // valid evidence kinds held now
    EvidenceSet needed;   // evidence kinds the gates ahead ask for
    EvidenceSet missing;  // needed and not held
    double share() const {
        return needed.empty() ? 1.0 : 1.0 - static_cast<double>(missing.size()) / static_cast<double>(needed.size());
    }
};

// 购买流程阶段: the buyer's stage against our step.
struct Coupling {
    BuyerStage buyer{};
    BuyerStage earliest{}, latest{};  // the stages in step with ours (AssessmentRules::in_step)
    bool behind = false;               // the buyer is past what our step expects
    bool ahead = false;                // we are ahead of where the buyer is
};

// A raised flag and the facts it was computed from (name, value), for explaining it.
struct Flag {
    RiskFlag code{};
    Severity severity{};
    std::vector<std::pair<std::string, std::string>> facts;
};

// One unmet requirement of the next gate, with how many requirements of the
// gates ahead the same fact would also satisfy.
struct Guidance {
    RequirementRef ref;
    std::uint32_t unblocks = 1;  // this requirement and its twins further on
    std::uint32_t have = 0, need = 0;
};

// For a closed opportunity, everything but the prior and the category is as it
// stood when it closed (so a model learns from what was known then); it gets
// no guidance.
struct Assessment {
    Timestamp as_of = 0;  // the moment judged
    Connection connection;
    Progress progress;
    Coupling coupling;
    std::vector<Flag> flags;
    std::vector<Guidance> guidance;  // most unblocking first
    double stage_prior = 0;          // won 1, lost / disqualified 0
    ForecastCategory category{};
    double days_in_step = 0;
    double days_since_evidence = -1;  // -1: no evidence yet
};

// Assesses `opportunity` as of `as_of` (the facts are those of its events so far).
Assessment assess(const Opportunity& opportunity, Timestamp as_of);

// The win model's tokens for this opportunity: the step and buyer stage, the
// evidence kinds held, roles covered, flags raised, and the owner. A closed
// opportunity is described as it stood when it closed. As in Odoo's lead
// scoring, learning counts an opportunity under every stage it reached
// (`for_fitting`: one token per step and buyer stage up to its own), while
// scoring names only the stage it is at, so the ordinal is counted once.
std::vector<std::string> win_features(const Opportunity& opportunity, const Assessment& assessment, bool for_fitting);

}  // namespace pursuit
