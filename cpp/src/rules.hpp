// Private: how events change facts, and how requirements are judged.
#pragma once

#include <string>

#include "pursuit/opportunity.hpp"

namespace pursuit {

// facts.cpp
// Why the event cannot apply to these facts (an unknown or departed contact,
// nothing to revoke); empty when it can. When it can and it names a contact
// (signal, evidence, interaction, contact_left), `named` receives the
// contact's place, so that recording it need not look it up again.
std::string invalid_reference(const Facts& facts, const Event& event, ContactIndex* named = nullptr);
// Whether an event of this type names anything invalid_reference checks
// (most do not, and need no call).
inline bool names_references(EventType type) {
    switch (type) {
        case EventType::signal:
        case EventType::contact_left:
        case EventType::evidence:
        case EventType::evidence_revoked:
        case EventType::interaction:
        case EventType::competitor: return true;
        default: return false;
    }
}
// Records a fact event (and the closing facts of lose / disqualify); `named`
// as found by invalid_reference, or looked up when not given. (A pointer, not
// an optional: an optional built in two stores and read in one stalls.)
void record_fact(Facts& facts, const Event& event, const ContactIndex* named = nullptr);

// gates.cpp
RequirementStatus evaluate(const Requirement& requirement, RequirementRef ref, const Opportunity& opportunity,
                           Timestamp now);

}  // namespace pursuit
