// Private: how events change facts, and how requirements are judged.
#pragma once

#include <string>
#include <string_view>

#include "pursuit/opportunity.hpp"
#include "pursuit/time.hpp"
#include "text.hpp"

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

// Why an event whose id was applied before is refused: one rule, whichever
// path the event came by (one at a time, a batch, a later batch).
inline std::string already_applied(std::string_view event_id, Timestamp applied_at,
                                   std::string_view other_opportunity = {}) {
    std::string out = "event id " + quote(event_id) + " was already applied";
    if (!other_opportunity.empty()) out += " to opportunity " + quote(other_opportunity);
    return out + " (at " + format_timestamp(applied_at) + "); each event id applies once";
}

// gates.cpp
RequirementStatus evaluate(const Requirement& requirement, RequirementRef ref, const Opportunity& opportunity,
                           Timestamp now);

}  // namespace pursuit
