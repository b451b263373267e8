// Batches: resolve each event's opportunity, order each opportunity's events
// in time, and apply opportunity by opportunity, optionally over threads.
#include "pursuit/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "text.hpp"

namespace pursuit {

Pipeline::Pipeline(std::shared_ptr<const Playbook> playbook)
    : playbook_(playbook ? std::move(playbook) : Playbook::default_playbook()) {}

std::optional<std::size_t> Pipeline::find(const std::string& id) const {
    const auto it = index_.find(id);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::size_t Pipeline::adopt(Opportunity opportunity) {
    if (index_.count(opportunity.id())) throw std::invalid_argument("opportunity " + quote(opportunity.id()) + " is already in the pipeline");
    index_.emplace(opportunity.id(), opportunities_.size());
    opportunities_.push_back(std::move(opportunity));
    return opportunities_.size() - 1;
}

namespace {

std::unique_ptr<Record> rejected(const Event& e, std::string reason) {
    auto r = std::make_unique<Record>();
    r->event_id = e.id;
    r->at = e.at;
    r->type = e.type();
    r->verdict = Verdict::rejected;
    r->reason = std::move(reason);
    return r;
}

struct Item {
    std::size_t opportunity;
    Timestamp at;
    std::size_t position;
    bool operator<(const Item& o) const {
        return std::tie(opportunity, at, position) < std::tie(o.opportunity, o.at, o.position);
    }
};

}  // namespace

std::vector<BatchRecord> Pipeline::apply(const std::vector<Event>& events, unsigned threads) {
    std::vector<const Event*> batch;
    batch.reserve(events.size());
    for (const auto& e : events) batch.push_back(&e);
    return apply(batch, threads);
}

std::vector<BatchRecord> Pipeline::apply(const std::vector<const Event*>& batch, unsigned threads) {
    std::vector<BatchRecord> out(batch.size());
    for (const Event* e : batch)  // opportunities opened in this batch exist before anything applies
        if (e->type() == EventType::open && !index_.count(e->opportunity)) adopt(Opportunity(e->opportunity, playbook_));

    std::vector<Item> items;
    items.reserve(batch.size());
    std::unordered_set<std::string_view> ids;
    ids.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Event& e = *batch[i];
        const auto it = index_.find(e.opportunity);
        if (it == index_.end()) {
            out[i].rejected = rejected(e, "unknown opportunity " + quote(e.opportunity) + ": its first event must be 'open'");
        } else if (!ids.insert(e.id).second) {
            out[i].opportunity = static_cast<std::int64_t>(it->second);
            out[i].rejected = rejected(e, "duplicate event id " + quote(e.id) + " in this batch");
        } else
            items.push_back({it->second, e.at, i});
    }
    std::sort(items.begin(), items.end());

    // Split at opportunity boundaries into ranges of about equal size.
    const std::size_t n = std::max<std::size_t>(1, std::min<std::size_t>(threads, items.size() / 1024 + 1));
    std::vector<std::size_t> cuts{0};
    for (std::size_t k = 1; k < n; ++k) {
        std::size_t c = std::max(cuts.back(), items.size() * k / n);
        while (c > 0 && c < items.size() && items[c].opportunity == items[c - 1].opportunity) ++c;
        cuts.push_back(c);
    }
    cuts.push_back(items.size());

    auto run = [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to; ++k) {
            const Item& item = items[k];
            Opportunity& opp = opportunities_[item.opportunity];
            BatchRecord& entry = out[item.position];
            entry.opportunity = static_cast<std::int64_t>(item.opportunity);
            const Record& r = opp.apply(*batch[item.position]);
            if (r.verdict == Verdict::rejected) entry.rejected = std::make_unique<Record>(r);
            else entry.history_index = static_cast<std::int64_t>(opp.history().size()) - 1;
        }
    };
    if (n == 1) {
        run(0, items.size());
        return out;
    }
    std::vector<std::exception_ptr> errors(n);
    std::vector<std::thread> workers;
    for (std::size_t k = 0; k < n; ++k)
        workers.emplace_back([&, k] {
            try {
                run(cuts[k], cuts[k + 1]);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        });
    for (auto& w : workers) w.join();
    for (auto& err : errors)
        if (err) std::rethrow_exception(err);
    return out;
}

SnapshotColumns Pipeline::snapshot() const {
    SnapshotColumns c;
    auto code = [](auto v) { return static_cast<std::int8_t>(v); };
    for (const auto& opp : opportunities_) {
        const Facts& f = opp.facts();
        const Position p = opp.position();
        c.id.push_back(opp.id());
        c.account.push_back(f.header.account);
        c.name.push_back(f.header.name);
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
        for (const auto& r : opp.history()) {
            if (r.before != r.after) since = r.at;
            refused += r.verdict == Verdict::refused;
            fell_back += r.verdict == Verdict::fell_back;
            late = late || r.late_entry;
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
