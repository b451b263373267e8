// Judging one requirement against an opportunity's facts: how much of what
// it needs is there.
#include <algorithm>

#include "rules.hpp"

namespace pursuit {
namespace {

template <class T>
bool contains(const std::vector<T>& values, T v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

std::uint32_t matching_contacts(const Requirement& q, const Facts& facts) {
    std::uint32_t n = 0;
    for (const auto& c : facts.contacts) {
        if (!c.active) continue;
        if (q.role && !c.roles.has(*q.role)) continue;
        if (q.min_authority && (!c.authority || *c.authority < *q.min_authority)) continue;
        if (!q.stances.empty() && (!c.stance || !contains(q.stances, *c.stance))) continue;
        if (q.access && c.access != *q.access) continue;
        ++n;
    }
    return n;
}

}  // namespace

RequirementStatus evaluate(const Requirement& q, RequirementRef ref, const Opportunity& opp, Timestamp now) {
    const Facts& facts = opp.facts();
    RequirementStatus s{ref, false, 0, 1};
    switch (q.kind) {
        case RequirementKind::answer: {
            const auto a = facts.answer(*q.criterion);
            s.have = a && contains(q.answers, *a);
            break;
        }
        case RequirementKind::signals:
            s.need = q.min;
            for (const auto& sig : facts.signals) s.have += q.signal_kinds.empty() || contains(q.signal_kinds, sig.kind);
            break;
        case RequirementKind::contacts:
            s.need = q.min;
            s.have = matching_contacts(q, facts);
            break;
        case RequirementKind::evidence: {
            s.need = q.min;
            const Timestamp not_before =
                q.max_age_days ? now - static_cast<Timestamp>(*q.max_age_days) * kMicrosPerDay : INT64_MIN;
            for (EvidenceKind k : q.evidence_kinds) s.have += static_cast<std::uint32_t>(facts.valid_evidence(k, not_before));
            break;
        }
        case RequirementKind::insights:
            s.need = static_cast<std::uint32_t>(q.topics.size());
            for (InsightTopic t : q.topics) s.have += facts.has_insight(t);
            break;
        case RequirementKind::competitor_assessed:
            s.have = !facts.competitors.empty() || facts.no_competitor;
            break;
        case RequirementKind::buyer_stage: s.have = opp.buyer_stage() >= *q.min_stage; break;
        case RequirementKind::custom: s.have = q.check(opp); break;
    }
    s.met = s.have >= s.need;
    return s;
}

}  // namespace pursuit
