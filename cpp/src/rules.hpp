// Private: how events change facts, and how requirements are judged.
#pragma once

#include <string>

#include "pursuit/opportunity.hpp"

namespace pursuit {

// facts.cpp
// Why the event cannot apply to these facts (an unknown or departed contact,
// nothing to revoke); empty when it can.
std::string invalid_reference(const Facts& facts, const Event& event);
// Records a fact event (and the closing facts of lose / disqualify).
void record_fact(Facts& facts, const Event& event);

// gates.cpp
RequirementStatus evaluate(const Requirement& requirement, RequirementRef ref, const Opportunity& opportunity,
                           Timestamp now);

}  // namespace pursuit
