// A pipeline's opportunities, found by id, and their snapshot. Applying
// inputs is in intake.cpp.
#include "pursuit/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <tbb/parallel_for.h>

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
    const std::size_t n = opportunities_.size();
    c.amount.resize(n);
    for (auto* v : {&c.expected_close, &c.opened_at, &c.last_at, &c.step_since}) v->resize(n);
    for (auto* v : {&c.step, &c.outcome, &c.buyer_stage, &c.next_gate}) v->resize(n);
    for (auto* v : {&c.events, &c.refused, &c.fell_back, &c.unmet, &c.contacts, &c.evidence}) v->resize(n);
    for (auto* v : {&c.can_advance, &c.late_entry, &c.criteria_misaligned}) v->resize(n);
    auto code = [](auto v) { return static_cast<std::int8_t>(v); };
    // Each row is its opportunity's alone: blocks of rows are filled on every
    // core, their text joined in order after.
    constexpr std::size_t kBlock = 4096;
    struct Texts {
        TextColumn id{kBlock}, account{kBlock}, name{kBlock}, owner{kBlock}, currency{kBlock};
    };
    std::vector<Texts> texts((n + kBlock - 1) / kBlock);
    tbb::parallel_for(std::size_t{0}, texts.size(), [&](std::size_t b) {
        Texts& text = texts[b];
        for (std::size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
            const Opportunity& opp = opportunities_[i];
            const Facts& f = opp.facts();
            const Position p = opp.position();
            text.id.push_back(opp.id());
            text.account.push_back(f.header.account);
            text.name.push_back(f.header.name);
            text.owner.push_back(f.header.owner);  // empty when unknown
            text.currency.push_back(f.header.currency);
            c.amount[i] = f.header.amount.value_or(std::nan(""));
            c.expected_close[i] = f.header.expected_close ? *f.header.expected_close : INT64_MIN;
            c.step[i] = code(p.step);
            c.outcome[i] = p.outcome ? code(*p.outcome) : std::int8_t{-1};
            c.buyer_stage[i] = code(opp.buyer_stage());
            const auto gate = opp.next_gate();
            c.next_gate[i] = gate ? code(*gate) : std::int8_t{-1};
            const auto report = opp.requirements();
            std::int32_t unmet = 0;
            if (report)
                for (const auto& item : report->items) unmet += !item.met;
            c.unmet[i] = unmet;
            c.can_advance[i] = report && unmet == 0;
            c.opened_at[i] = f.header.opened_at;
            c.last_at[i] = opp.last_at();
            Timestamp since = f.header.opened_at;
            std::int32_t refused = 0, fell_back = 0;
            bool late = false;
            const History& h = opp.history();
            for (std::size_t k = 0; k < h.size(); ++k) {  // the compact form: no record rebuilt
                if (h.moved(k)) since = h.at(k);
                refused += h.verdict(k) == Verdict::refused;
                fell_back += h.verdict(k) == Verdict::fell_back;
                late = late || h.late_entry(k);
            }
            c.step_since[i] = since;
            c.events[i] = static_cast<std::int32_t>(h.size());
            c.refused[i] = refused;
            c.fell_back[i] = fell_back;
            c.late_entry[i] = late;
            c.criteria_misaligned[i] = f.criteria_aligned == false;
            c.contacts[i] = static_cast<std::int32_t>(
                std::count_if(f.contacts.begin(), f.contacts.end(), [](const ContactFact& x) { return x.active; }));
            std::int32_t evidence = 0;
            for (std::size_t k = 0; k < pursuit::size<EvidenceKind>(); ++k)
                evidence += static_cast<std::int32_t>(f.valid_evidence(static_cast<EvidenceKind>(k)));
            c.evidence[i] = evidence;
        }
    });
    for (const Texts& text : texts) {
        c.id.append(text.id);
        c.account.append(text.account);
        c.name.append(text.name);
        c.owner.append(text.owner);
        c.currency.append(text.currency);
    }
    return c;
}

}  // namespace pursuit
