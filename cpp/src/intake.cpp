// Applying an input: resolve each event's opportunity, order each
// opportunity's events in time, apply opportunity by opportunity (over threads
// if asked). An input given in pieces keeps what later pieces are judged
// against: the ids seen, each opportunity's latest time, events waiting for
// their opportunity's `open`, and copies to put back on abandon().
#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdexcept>
#include <unordered_map>
#include <string_view>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "pursuit/pipeline.hpp"
#include "rules.hpp"
#include "text.hpp"

namespace pursuit {
namespace {
constexpr std::uint32_t kUnknown = BatchRecord::kNone;  // no opportunity (yet)

std::string unknown_opportunity(const Event& e) {
    return "unknown opportunity " + quote(e.opportunity) + ": its first event must be 'open'";
}
std::string repeated(const Event& e) { return "duplicate event id " + quote(e.id) + " in this batch"; }
}  // namespace

// The suspects' hashes are among the applied ones: find each id itself, in
// its own opportunity first (`known`, kUnknown for one not yet in the
// pipeline), else anywhere (rare: an id reused for another opportunity, or two
// ids sharing a hash).
template <class EventAt, class Refuse>
void Pipeline::refuse_applied(const std::vector<std::uint32_t>& suspects, const std::vector<std::uint32_t>& known,
                              EventAt event_at, Refuse refuse_event) const {
    std::vector<std::uint8_t> refused(suspects.size(), 0);
    auto refuse = [&](std::size_t k, Timestamp at, std::string_view other) {
        const Event& e = event_at(suspects[k]);
        refused[k] = 1;
        refuse_event(suspects[k], known[k], already_applied(e.id, at, other));
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
                if (!refused[k]) refuse(k, opp.history().at(i), opp.id());
        }
}

std::vector<BatchRecord> Pipeline::apply(const std::vector<Event>& batch, unsigned threads) {
    std::vector<const Event*> events;
    events.reserve(batch.size());
    for (const Event& e : batch) events.push_back(&e);
    return apply(events, threads);
}

std::vector<BatchRecord> Pipeline::apply(const std::vector<const Event*>& batch, unsigned threads) {
    Intake intake(*this, threads, false);
    intake.add(batch, false);
    return intake.finish();
}

Pipeline::Intake::Intake(Pipeline& pipeline, unsigned threads, bool pieces)
    : p_(pipeline),
      threads_(std::max(1u, threads)),
      pieces_(pieces),
      fresh_(pipeline.events_ == 0),
      start_opportunities_(pipeline.opportunities_.size()),
      start_events_(pipeline.events_),
      latest_(pieces ? pipeline.opportunities_.size() : 0, INT64_MIN),
      seen_(0, SeenHash{}, SeenEq{this}) {
    if (!fresh_) p_.refresh_applied();
}

// A single batch that failed part way (a custom check threw) keeps what it
// applied, as opportunities never half-apply an event; a piece put back.
Pipeline::Intake::~Intake() {
    if (!open_) return;
    if (pieces_) abandon();
    else p_.applied_current_ = false;
}

void Pipeline::Intake::reject(std::size_t position, const Event& e, std::string reason) {
    auto r = std::make_unique<Record>();
    r->event_id = e.id;
    r->at = e.at;
    r->type = e.type();
    r->verdict = Verdict::rejected;
    r->reason = std::move(reason);
    out_[position].rejected = std::move(r);
}

// The id of the event at an earlier piece's position: in its opportunity's
// history, its rejection, or among the waiting.
std::string_view Pipeline::Intake::id_at(std::size_t position) const {
    if (piece_ && position >= piece_base_ && position - piece_base_ < piece_->size())
        return (*piece_)[position - piece_base_]->id;
    const BatchRecord& entry = out_[position];
    if (entry.rejected) return entry.rejected->event_id;
    if (entry.history_index != BatchRecord::kNone)
        return p_.opportunities_[entry.opportunity].history().event_id(entry.history_index);
    const auto w = std::lower_bound(waiting_.begin(), waiting_.end(), position,
                                    [](const Waiting& x, std::size_t p) { return x.position < p; });
    return w != waiting_.end() && w->position == position ? std::string_view(w->event.id) : std::string_view();
}

Pipeline::Intake::SeenId Pipeline::Intake::seen_id(std::string_view id) {
    const std::uint64_t h = hash_id(id);
    return {static_cast<std::uint32_t>(h ^ (h >> 32)), id};
}

std::optional<std::size_t> Pipeline::Intake::earlier(std::string_view id) const {
    if (seen_.empty()) return std::nullopt;
    const auto it = seen_.find(seen_id(id));
    if (it == seen_.end()) return std::nullopt;
    return static_cast<std::uint32_t>(*it);
}

bool Pipeline::Intake::remember(const Event& e, std::size_t position) {
    const SeenId id = seen_id(e.id);
    if (seen_.find(id) != seen_.end()) return false;
    seen_.insert(std::uint64_t{id.hash} << 32 | position);
    return true;
}

// Works on indices into the piece, never moving events: repeats (within the
// piece, then of earlier pieces, then of earlier inputs), each event's
// opportunity (one lookup per run naming the same one), groups by opportunity
// (a counting sort, so each keeps the input's order; sorted by time where it
// was not in order), then each group applied.
bool Pipeline::Intake::add(const std::vector<const Event*>& piece, bool more) {
    if (!open_) throw std::logic_error("this input was finished or abandoned");
    if (out_.size() + piece.size() >= kUnknown) throw std::length_error("a batch is limited to 4,294,967,294 events");
    const std::size_t base = out_.size();
    out_.resize(base + piece.size());
    ++added_;
    // The piece's events, then those that waited for an opportunity it opens (placed
    // first: they came earlier); `slot_at` is each one's position in the input.
    std::vector<const Event*> slots(piece.begin(), piece.end());
    std::vector<std::size_t> slot_at(piece.size());
    for (std::size_t i = 0; i < piece.size(); ++i) slot_at[i] = base + i;

    // Repeats first (of this piece and of earlier ones), so that a refused
    // `open` creates nothing: the first stays.
    struct Current {  // while the piece is added, its positions' ids are its own
        Intake& in;
        ~Current() { in.piece_ = nullptr; }
    } current{*this};
    piece_ = &piece;
    piece_base_ = base;
    seen_.reserve(out_.size());
    for (std::uint32_t i = 0; i < piece.size(); ++i)
        if (!remember(*piece[i], base + i)) reject(base + i, *piece[i], repeated(*piece[i]));
    if (!fresh_) {  // ids applied by earlier inputs
        std::vector<std::uint32_t> suspects, known;
        for (std::uint32_t i = 0; i < piece.size(); ++i)
            if (!out_[base + i].rejected && p_.applied_.count(hash_id(piece[i]->id))) {
                suspects.push_back(i);
                known.push_back(p_.place(piece[i]->opportunity));
            }
        p_.refuse_applied(
            suspects, known, [&](std::uint32_t i) -> const Event& { return *piece[i]; },
            [&](std::uint32_t i, std::uint32_t opp, std::string reason) {
                reject(base + i, *piece[i], std::move(reason));
                out_[base + i].opportunity = opp;  // kUnknown is BatchRecord::kNone
            });
    }

    // Resolving: opportunities opened in this piece exist before anything
    // applies, so an event before its opportunity's open is resolved again below.
    const std::size_t opportunities_before = p_.opportunities_.size();
    std::vector<std::uint32_t> where(piece.size(), kUnknown);
    std::vector<std::uint32_t> unresolved;
    const std::string* previous = nullptr;
    std::uint32_t previous_at = kUnknown;
    auto resolve = [&](const Event& e, bool may_open) {
        if (!previous || !same_id(e.opportunity, *previous)) {
            previous = &e.opportunity;
            previous_at = p_.place(e.opportunity);
        }
        if (previous_at == kUnknown && may_open && e.type() == EventType::open)
            previous_at = static_cast<std::uint32_t>(p_.add(Opportunity(e.opportunity, p_.playbook_)));
        return previous_at;
    };
    for (std::uint32_t i = 0; i < piece.size(); ++i) {
        if (out_[base + i].rejected) continue;
        where[i] = resolve(*piece[i], true);
        if (where[i] == kUnknown) unresolved.push_back(i);
    }
    std::vector<std::uint8_t> unordered(p_.opportunities_.size(), 0);  // a group to sort by time
    previous = nullptr;
    for (std::uint32_t i : unresolved) {
        where[i] = resolve(*piece[i], false);
        if (where[i] != kUnknown) {
            unordered[where[i]] = 1;  // placed before its open
        } else if (more) {            // a later piece may open it
            waiting_for_[piece[i]->opportunity].push_back(waiting_.size());
            waiting_.push_back({base + i, *piece[i]});
        } else {
            reject(base + i, *piece[i], unknown_opportunity(*piece[i]));
        }
    }
    // Events that waited for an opportunity this piece opened join its group, first.
    std::vector<std::pair<std::size_t, std::uint32_t>> joined;  // (place in waiting_, opportunity)
    for (std::size_t o = opportunities_before; o < p_.opportunities_.size() && !waiting_for_.empty(); ++o) {
        const auto w = waiting_for_.find(p_.opportunities_[o].id());
        if (w == waiting_for_.end()) continue;
        for (std::size_t k : w->second) joined.emplace_back(k, static_cast<std::uint32_t>(o));
        unordered[o] = 1;
        waiting_for_.erase(w);
    }
    std::sort(joined.begin(), joined.end());
    if (!joined.empty()) {
        std::vector<const Event*> front;
        std::vector<std::size_t> front_at;
        std::vector<std::uint32_t> front_where;
        for (const auto& [k, o] : joined) {
            waiting_[k].taken = true;
            front.push_back(&waiting_[k].event);
            front_at.push_back(waiting_[k].position);
            front_where.push_back(o);
        }
        slots.insert(slots.begin(), front.begin(), front.end());
        slot_at.insert(slot_at.begin(), front_at.begin(), front_at.end());
        where.insert(where.begin(), front_where.begin(), front_where.end());
    }
    // A repeat refused above still names its opportunity, if the input opened it.
    for (std::uint32_t i = 0; i < piece.size(); ++i) {
        BatchRecord& entry = out_[base + i];
        if (!entry.rejected || entry.named() || where[joined.size() + i] != kUnknown) continue;
        const std::uint32_t known = p_.place(piece[i]->opportunity);
        if (known != kUnknown) entry.opportunity = known;
        else if (more) unnamed_.emplace_back(base + i, piece[i]->opportunity);
    }

    // Across pieces each opportunity's events must come in time order.
    if (pieces_) {
        latest_.resize(p_.opportunities_.size(), INT64_MIN);
        for (std::size_t s = 0; s < slots.size(); ++s)
            if (where[s] != kUnknown && slots[s]->at < latest_[where[s]]) return false;
        for (std::size_t s = 0; s < slots.size(); ++s)
            if (where[s] != kUnknown) latest_[where[s]] = std::max(latest_[where[s]], slots[s]->at);
    }

    // Grouping by opportunity, in the input's order within each; a group whose
    // times go back somewhere is sorted.
    std::vector<std::uint32_t> start(p_.opportunities_.size() + 1, 0);
    {
        std::vector<Timestamp> group_latest(p_.opportunities_.size(), INT64_MIN);
        for (std::size_t s = 0; s < slots.size(); ++s) {
            const std::uint32_t o = where[s];
            if (o == kUnknown) continue;
            ++start[o + 1];
            if (slots[s]->at < group_latest[o]) unordered[o] = 1;
            group_latest[o] = std::max(group_latest[o], slots[s]->at);
        }
    }
    for (std::size_t o = 1; o < start.size(); ++o) start[o] += start[o - 1];
    std::vector<std::uint32_t> order(start.back());
    {
        std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
        for (std::uint32_t s = 0; s < slots.size(); ++s)
            if (where[s] != kUnknown) order[next[where[s]]++] = s;
    }
    std::vector<std::uint32_t> groups;  // the opportunities this piece touches
    for (std::uint32_t o = 0; o + 1 < start.size(); ++o) {
        if (start[o] == start[o + 1]) continue;
        if (p_.opportunities_[o].history().size() + (start[o + 1] - start[o]) >= BatchRecord::kNone)
            throw std::length_error("an opportunity's history is limited to 4,294,967,294 events");
        groups.push_back(o);
        if (unordered[o])  // stable: ties keep the input's order
            std::stable_sort(order.begin() + start[o], order.begin() + start[o + 1],
                             [&](std::uint32_t a, std::uint32_t b) { return slots[a]->at < slots[b]->at; });
        if (pieces_ && o < start_opportunities_ && !saved_.contains(o))  // to put back on abandon()
            saved_.emplace(o, p_.opportunities_[o]);
    }

    p_.events_ += order.size();  // before applying: a failure part way must not leave the pipeline looking fresh
    auto apply_group = [&](std::uint32_t o) {
        Opportunity& opp = p_.opportunities_[o];
        opp.reserve(start[o + 1] - start[o]);
        Record record;
        for (std::uint32_t k = start[o]; k < start[o + 1]; ++k) {
            const Event& e = *slots[order[k]];
            BatchRecord& entry = out_[slot_at[order[k]]];
            entry.opportunity = o;
            if (opp.apply(e, record) == Verdict::rejected)
                entry.rejected = std::make_unique<Record>(record);
            else
                entry.history_index = static_cast<std::uint32_t>(opp.history().size() - 1);
        }
    };
    if (threads_ == 1 || order.size() < 4096) {
        for (std::uint32_t o : groups) apply_group(o);
    } else {
        tbb::task_arena arena(static_cast<int>(threads_));
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups.size(), 64),
                              [&](const tbb::blocked_range<std::size_t>& r) {
                                  for (std::size_t g = r.begin(); g != r.end(); ++g) apply_group(groups[g]);
                              });
        });
    }
    return true;
}

std::vector<BatchRecord> Pipeline::Intake::finish() {
    if (!open_) throw std::logic_error("this input was finished or abandoned");
    for (const Waiting& w : waiting_)
        if (!w.taken) reject(w.position, w.event, unknown_opportunity(w.event));
    for (const auto& [position, opportunity] : unnamed_) {
        const std::uint32_t known = p_.place(opportunity);
        if (known != kUnknown) out_[position].opportunity = known;
    }
    // Piece by piece, histories grew by doubling: give the spare room back once.
    if (added_ > 1) {
        for (std::size_t o = 0; o < latest_.size(); ++o)
            if (latest_[o] != INT64_MIN) p_.opportunities_[o].shrink_to_fit();
#if defined(__GLIBC__)
        // The pieces' events and the room given back were freed among the
        // state's blocks; glibc keeps such pages resident until asked.
        malloc_trim(0);
#endif
    }
    if (fresh_) {
        p_.applied_current_ = false;  // built when a later input needs it
    } else {
        for (const BatchRecord& entry : out_)
            if (entry.history_index != BatchRecord::kNone)
                p_.applied_.insert(hash_id(p_.opportunities_[entry.opportunity].history().event_id(entry.history_index)));
    }
    open_ = false;
    return std::move(out_);
}

void Pipeline::Intake::abandon() {
    if (!open_) return;
    open_ = false;
    // The index's keys view the opportunities' ids: each is dropped before its opportunity changes.
    for (auto& [o, before] : saved_) {
        p_.index_.erase(std::string_view(p_.opportunities_[o].id()));
        p_.opportunities_[o] = std::move(before);
        p_.index_.emplace(std::string_view(p_.opportunities_[o].id()), o);
    }
    while (p_.opportunities_.size() > start_opportunities_) p_.drop_back();
    p_.events_ = start_events_;
    out_.clear();
}

}  // namespace pursuit
