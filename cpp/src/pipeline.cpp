// A pipeline's opportunities, found by id, and their snapshot. Applying
// inputs is in intake.cpp.
#include "pursuit/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "text.hpp"

namespace pursuit {
namespace {
constexpr std::uint32_t kUnknown = UINT32_MAX;  // no opportunity (yet)
}  // namespace

Pipeline::Pipeline(std::shared_ptr<const Playbook> playbook)
    : playbook_(playbook ? std::move(playbook) : Playbook::default_playbook()) {}

std::optional<std::size_t> Pipeline::find(const std::string& id) const {
    const auto it = index_.find(std::string_view(id));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::size_t Pipeline::adopt(Opportunity opportunity) {
    if (index_.contains(std::string_view(opportunity.id())))
        throw std::invalid_argument("opportunity " + quote(opportunity.id()) + " is already in the pipeline");
    return add(std::move(opportunity));
}

std::size_t Pipeline::add(Opportunity opportunity) {
    if (opportunities_.size() >= kUnknown) throw std::length_error("a pipeline holds at most 4,294,967,294 opportunities");
    opportunities_.push_back(std::move(opportunity));
    try {
        index_.emplace(std::string_view(opportunities_.back().id()), static_cast<std::uint32_t>(opportunities_.size() - 1));
    } catch (...) {
        opportunities_.pop_back();  // not half-added
        throw;
    }
    if (const std::size_t n = opportunities_.back().history().size()) {  // adopted with its history
        events_ += n;
        applied_current_ = false;
    }
    return opportunities_.size() - 1;
}

void Pipeline::drop_back() {
    index_.erase(std::string_view(opportunities_.back().id()));
    events_ -= opportunities_.back().history().size();
    opportunities_.pop_back();
}

std::uint64_t Pipeline::hash_id(std::string_view id) { return absl::Hash<std::string_view>{}(id); }

std::uint32_t Pipeline::place(std::string_view id) const {
    const auto it = index_.find(id);
    return it == index_.end() ? kUnknown : it->second;
}

void Pipeline::refresh_applied() {
    if (applied_current_) return;
    applied_.clear();
    applied_.reserve(events_);
    for (const auto& opp : opportunities_)
        for (std::size_t i = 0; i < opp.history().size(); ++i) applied_.insert(hash_id(opp.history().event_id(i)));
    applied_current_ = true;
}

SnapshotColumns Pipeline::snapshot() const {
    SnapshotColumns c;
    auto code = [](auto v) { return static_cast<std::int8_t>(v); };
    for (const auto& opp : opportunities_) {
        const Facts& f = opp.facts();
        const Position p = opp.position();
        c.id.push_back(opp.id());
        c.account.push_back(f.header.account.str());
        c.name.push_back(f.header.name.str());
        c.owner.push_back(f.header.owner.value_or(""));
        c.currency.push_back(f.header.currency.value_or(""));
        c.amount.push_back(f.header.amount.value_or(std::nan("")));
        c.expected_close.push_back(f.header.expected_close ? *f.header.expected_close : INT64_MIN);
        c.step.push_back(code(p.step));
        c.outcome.push_back(p.outcome ? code(*p.outcome) : std::int8_t{-1});
        c.buyer_stage.push_back(code(opp.buyer_stage()));
        const auto gate = opp.next_gate();
        c.next_gate.push_back(gate ? code(*gate) : std::int8_t{-1});
        const auto report = opp.requirements();
        std::int32_t unmet = 0;
        if (report)
            for (const auto& item : report->items) unmet += !item.met;
        c.unmet.push_back(unmet);
        c.can_advance.push_back(report && unmet == 0);
        c.opened_at.push_back(f.header.opened_at);
        c.last_at.push_back(opp.last_at());
        Timestamp since = f.header.opened_at;
        std::int32_t refused = 0, fell_back = 0;
        bool late = false;
        const History& h = opp.history();
        for (std::size_t i = 0; i < h.size(); ++i) {  // the compact form: no record rebuilt
            if (h.moved(i)) since = h.at(i);
            refused += h.verdict(i) == Verdict::refused;
            fell_back += h.verdict(i) == Verdict::fell_back;
            late = late || h.late_entry(i);
        }
        c.step_since.push_back(since);
        c.events.push_back(static_cast<std::int32_t>(opp.history().size()));
        c.refused.push_back(refused);
        c.fell_back.push_back(fell_back);
        c.late_entry.push_back(late);
        c.criteria_misaligned.push_back(f.criteria_aligned == false);
        c.contacts.push_back(static_cast<std::int32_t>(
            std::count_if(f.contacts.begin(), f.contacts.end(), [](const ContactFact& x) { return x.active; })));
        std::int32_t evidence = 0;
        for (std::size_t k = 0; k < pursuit::size<EvidenceKind>(); ++k)
            evidence += static_cast<std::int32_t>(f.valid_evidence(static_cast<EvidenceKind>(k)));
        c.evidence.push_back(evidence);
    }
    return c;
}

}  // namespace pursuit
