// Batches: resolve each event's opportunity, order each opportunity's events
// in time, and apply opportunity by opportunity, optionally over threads.
#include "pursuit/pipeline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "rules.hpp"
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

// The i-th event of a batch held by value or through pointers.
const Event& event_at(const std::vector<Event>& batch, std::size_t i) { return batch[i]; }
const Event& event_at(const std::vector<const Event*>& batch, std::size_t i) { return *batch[i]; }

// Runs `run` over each range between cuts on its own thread.
template <class Run>
void run_split(std::size_t n, const std::vector<std::size_t>& cuts, Run& run) {
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
}

}  // namespace

std::vector<BatchRecord> Pipeline::apply(const std::vector<Event>& batch, unsigned threads) {
    return apply_batch(batch, threads);
}

std::vector<BatchRecord> Pipeline::apply(const std::vector<const Event*>& batch, unsigned threads) {
    return apply_batch(batch, threads);
}

// Works on indices, never moving events: find ids repeated in the batch
// (sorting hashes) or applied before, resolve each other event's opportunity
// (one lookup per run of events naming the same one), group by opportunity (a
// counting sort, which keeps the batch's order within each opportunity;
// re-sorted by time only where it was out of order), then apply group by group.
template <class Batch>
std::vector<BatchRecord> Pipeline::apply_batch(const Batch& batch, unsigned threads) {
    constexpr bool kThroughPointers = std::is_same_v<Batch, std::vector<const Event*>>;
    if (batch.size() >= kUnknown) throw std::length_error("a batch is limited to 4,294,967,294 events");
    const std::size_t events_before = events_;
    std::vector<BatchRecord> out(batch.size());
    std::vector<std::uint32_t> where(batch.size(), kUnknown);  // opportunity of each event
    std::vector<Timestamp> latest(opportunities_.size(), INT64_MIN);
    std::vector<std::uint8_t> unordered(opportunities_.size(), 0);
    // Repeated ids first, so that a refused `open` creates nothing: within the
    // batch (the first stays), then ids applied by earlier batches, as one at a time. A
    // pipeline that held nothing before this batch has none of those.
    {
        absl::flat_hash_map<std::string_view, std::uint32_t> first;
        first.reserve(batch.size());
        for (std::uint32_t i = 0; i < batch.size(); ++i) {
            const Event& e = event_at(batch, i);
            if (!first.try_emplace(std::string_view(e.id), i).second)
                out[i].rejected = rejected(e, "duplicate event id " + quote(e.id) + " in this batch");
        }
    }
    const bool fresh = events_before == 0;
    if (!fresh) {
        refresh_applied();
        std::vector<std::uint32_t> suspects, known;
        for (std::uint32_t i = 0; i < batch.size(); ++i)
            if (!out[i].rejected && applied_.count(hash_id(event_at(batch, i).id))) {
                suspects.push_back(i);
                known.push_back(place(event_at(batch, i).opportunity));
            }
        refuse_applied(suspects, known, [&](std::uint32_t i) -> const Event& { return event_at(batch, i); }, out);
    }

    // Resolving: opportunities opened in this batch exist before anything
    // applies, so an event before its opportunity's open is resolved again at the end.
    std::vector<std::uint32_t> unresolved;
    const std::string* previous = nullptr;
    std::uint32_t previous_at = kUnknown;
    auto resolve = [&](std::uint32_t i, bool may_open) {
        const Event& e = event_at(batch, i);
        if (!previous || !same_id(e.opportunity, *previous)) {
            previous = &e.opportunity;
            previous_at = place(e.opportunity);
        }
        if (previous_at == kUnknown && may_open && e.type() == EventType::open) {
            previous_at = static_cast<std::uint32_t>(add(Opportunity(e.opportunity, playbook_)));  // just looked up
            latest.push_back(INT64_MIN);
            unordered.push_back(0);
        }
        return previous_at;
    };
    auto note = [&](std::uint32_t i, std::uint32_t opp) {
        const Event& e = event_at(batch, i);
        where[i] = opp;
        unordered[opp] |= e.at < latest[opp];
        latest[opp] = std::max(latest[opp], e.at);
    };
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
        // This pass reads the start of each event (id, opportunity, time): events
        // are large and may lie anywhere, so ask for it well ahead.
        if (i + 16 < batch.size()) {
            const char* ahead = reinterpret_cast<const char*>(&event_at(batch, i + 16));
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 64);
        }
        if (out[i].rejected) continue;
        const std::uint32_t opp = resolve(i, true);
        if (opp == kUnknown) unresolved.push_back(i);
        else note(i, opp);
    }
    previous = nullptr;
    for (std::uint32_t i : unresolved) {
        const std::uint32_t opp = resolve(i, false);
        if (opp != kUnknown) {
            note(i, opp);
            unordered[opp] = 1;  // placed before its open: the group is put in time order
        } else
            out[i].rejected = rejected(event_at(batch, i), "unknown opportunity " +
                                                                quote(event_at(batch, i).opportunity) +
                                                                ": its first event must be 'open'");
    }
    // A repeat refused above still names its opportunity, if this batch opened it.
    for (std::uint32_t i = 0; i < batch.size(); ++i)
        if (out[i].rejected && out[i].opportunity < 0 && where[i] == kUnknown) {
            const std::uint32_t known = place(event_at(batch, i).opportunity);
            if (known != kUnknown) out[i].opportunity = known;
        }

    // Grouping by opportunity, in batch order within each.
    std::vector<std::uint32_t> start(opportunities_.size() + 1, 0);
    for (std::uint32_t opp : where)
        if (opp != kUnknown) ++start[opp + 1];
    for (std::size_t o = 1; o < start.size(); ++o) start[o] += start[o - 1];
    std::vector<std::uint32_t> order(start.back());
    {
        std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
        for (std::uint32_t i = 0; i < where.size(); ++i)
            if (where[i] != kUnknown) order[next[where[i]]++] = i;
    }
    for (std::size_t o = 0; o + 1 < start.size(); ++o)
        if (unordered[o])  // stable: ties keep the batch's order
            std::stable_sort(order.begin() + start[o], order.begin() + start[o + 1],
                             [&](std::uint32_t a, std::uint32_t b) {
                                 return event_at(batch, a).at < event_at(batch, b).at;
                             });

    // Split at opportunity boundaries into ranges of about equal size.
    const std::size_t n = std::max<std::size_t>(1, std::min<std::size_t>(threads, order.size() / 1024 + 1));
    std::vector<std::size_t> cuts{0};
    for (std::size_t k = 1; k < n; ++k) {
        std::size_t c = std::max(cuts.back(), order.size() * k / n);
        while (c > 0 && c < order.size() && where[order[c]] == where[order[c - 1]]) ++c;
        cuts.push_back(c);
    }
    cuts.push_back(order.size());

    // Events are read out of order, so each is asked for early; a batch of
    // pointers has its pointer (itself a random read) asked for twice as far ahead.
    // The opportunity comes from the group's range, not from `where`.
    auto run = [&](std::size_t from, std::size_t to) {
        constexpr std::size_t kAhead = 8;
        if (from >= to) return;
        std::size_t group = static_cast<std::size_t>(where[order[from]]);
        Opportunity* opp = nullptr;
        for (std::size_t k = from; k < to; ++k) {
            if constexpr (kThroughPointers)
                if (k + 2 * kAhead < to) __builtin_prefetch(&batch[order[k + 2 * kAhead]]);
            if (k + kAhead < to) {
                const char* ahead = reinterpret_cast<const char*>(&event_at(batch, order[k + kAhead]));
                for (std::size_t line = 0; line < sizeof(Event); line += 64) __builtin_prefetch(ahead + line);
                __builtin_prefetch(&out[order[k + kAhead]], 1);
            }
            if (!opp || k >= start[group + 1]) {  // the next group: its history gets room for all of it
                while (k >= start[group + 1]) ++group;
                opp = &opportunities_[group];
                opp->expect(start[group + 1] - k);
            }
            const std::uint32_t pos = order[k];
            BatchRecord& entry = out[pos];
            entry.opportunity = static_cast<std::int64_t>(group);
            if (opp->apply_unrecorded(event_at(batch, pos)) == Verdict::rejected)
                entry.rejected = std::make_unique<Record>(opp->rejection(event_at(batch, pos)));
            else
                entry.history_index = static_cast<std::int64_t>(opp->history().size()) - 1;
        }
    };
    if (n == 1) {
        run(0, order.size());
    } else {
        run_split(n, cuts, run);
    }
    if (fresh) {
        applied_current_ = false;  // built when a later batch needs it
    } else {
        for (std::uint32_t i = 0; i < batch.size(); ++i)
            if (out[i].history_index >= 0) applied_.insert(hash_id(event_at(batch, i).id));
    }
    events_ += order.size();
    return out;
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

// The suspects' hashes are among the applied ones: find each id itself, in
// its own opportunity first (`known`, kUnknown for one not yet in the
// pipeline), else anywhere (rare: an id reused for another opportunity, or two
// ids sharing a hash).
template <class EventAt>
void Pipeline::refuse_applied(const std::vector<std::uint32_t>& suspects, const std::vector<std::uint32_t>& known,
                              EventAt event_at, std::vector<BatchRecord>& out) const {
    auto refuse = [&](std::size_t k, Timestamp at, std::string_view other) {
        const Event& e = event_at(suspects[k]);
        out[suspects[k]].opportunity = known[k] == kUnknown ? -1 : static_cast<std::int64_t>(known[k]);
        out[suspects[k]].rejected = rejected(e, already_applied(e.id, at, other));
    };
    std::unordered_map<std::string_view, std::vector<std::size_t>> elsewhere;
    for (std::size_t k = 0; k < suspects.size(); ++k) {
        const std::string& id = event_at(suspects[k]).id;
        if (known[k] != kUnknown) {
            const History& h = opportunities_[known[k]].history();
            std::size_t i = 0;
            while (i < h.size() && h.event_id(i) != id) ++i;
            if (i < h.size()) {
                refuse(k, h.at(i), {});
                continue;
            }
        }
        elsewhere[id].push_back(k);
    }
    if (elsewhere.empty()) return;
    for (const auto& opp : opportunities_)
        for (std::size_t i = 0; i < opp.history().size(); ++i) {
            const auto found = elsewhere.find(opp.history().event_id(i));
            if (found == elsewhere.end()) continue;
            for (std::size_t k : found->second)
                if (!out[suspects[k]].rejected) refuse(k, opp.history().at(i), opp.id());
        }
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
