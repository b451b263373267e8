// A pipeline: many opportunities under one playbook, fed in batches.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "pursuit/arrow.hpp"
#include "pursuit/opportunity.hpp"

namespace pursuit {

// What one event of a batch did, in the batch's order: a place in its
// opportunity's history (no copy), or the record of a rejected event.
// 16 bytes an event: a batch keeps one per event for as long as its answer is read.
struct BatchRecord {
    static constexpr std::uint32_t kNone = UINT32_MAX;
    std::uint32_t opportunity = kNone;    // index in the pipeline; kNone when the event named no known opportunity
    std::uint32_t history_index = kNone;  // kNone when rejected
    std::unique_ptr<Record> rejected;
    bool named() const { return opportunity != kNone; }
};

// One row per opportunity, as columns (for DataFrames built without Python
// objects per cell); text already in Arrow's layout.
struct SnapshotColumns {
    TextColumn id, account, name, owner, currency;
    std::vector<double> amount;               // NaN when unknown
    std::vector<std::int64_t> expected_close;  // days since 1970; INT64_MIN when unknown
    std::vector<std::int8_t> step, outcome, buyer_stage, next_gate;  // vocabulary indices; -1 for none
    std::vector<std::int64_t> opened_at, last_at, step_since;        // UTC microseconds
    std::vector<std::int32_t> events, refused, fell_back, unmet, contacts, evidence;
    std::vector<std::uint8_t> can_advance, late_entry, criteria_misaligned;
};

class Pipeline {
public:
    class Intake;

    explicit Pipeline(std::shared_ptr<const Playbook> playbook = Playbook::default_playbook());
    // Moved, never copied: the index views the opportunities' own ids, which a
    // move keeps where they are (each in its opportunity's heap block).
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;
    Pipeline(Pipeline&&) = default;
    Pipeline& operator=(Pipeline&&) = default;
    ~Pipeline() = default;

    // Applies a batch. Within each opportunity events are applied in time
    // order (a stable sort: ties keep the batch's order); opportunities are
    // independent, so `threads` > 1 splits them over threads with the same
    // result. An event naming an opportunity that is neither known nor opened
    // in this batch, repeating an id of this batch, or carrying an id applied
    // before (to any opportunity), is rejected.
    std::vector<BatchRecord> apply(const std::vector<Event>& batch, unsigned threads = 1);
    // The same over events held elsewhere (no copies).
    std::vector<BatchRecord> apply(const std::vector<const Event*>& batch, unsigned threads = 1);

    std::size_t size() const { return opportunities_.size(); }
    const Opportunity& at(std::size_t i) const { return opportunities_.at(i); }
    Opportunity& at(std::size_t i) { return opportunities_.at(i); }
    std::optional<std::size_t> find(const std::string& id) const;
    const std::shared_ptr<const Playbook>& playbook() const { return playbook_; }
    // Adds an opportunity restored elsewhere (unpickling); its id must be new.
    std::size_t adopt(Opportunity opportunity);

    SnapshotColumns snapshot() const;
    // The record a batch entry points at.
    Record record(const BatchRecord& entry) const {
        return entry.rejected ? *entry.rejected
                              : opportunities_[entry.opportunity].history()[entry.history_index];
    }
    // Its verdict alone, without rebuilding the record.
    Verdict verdict(const BatchRecord& entry) const {
        return entry.rejected ? entry.rejected->verdict
                              : opportunities_[entry.opportunity].history().verdict(entry.history_index);
    }

private:
    friend class Intake;
    std::size_t add(Opportunity opportunity);  // as adopt, for an id known to be new
    void drop_back();                          // removes the latest opportunity added

    static std::uint64_t hash_id(std::string_view id);
    std::uint32_t place(std::string_view id) const;  // of the opportunity `id`; UINT32_MAX when unknown
    void refresh_applied();
    // Which of `suspects` (their ids' hashes are among the applied ones) carry
    // an id applied before; `known` is each one's opportunity (UINT32_MAX if none).
    template <class EventAt, class Refuse>
    void refuse_applied(const std::vector<std::uint32_t>& suspects, const std::vector<std::uint32_t>& known,
                        EventAt event_at, Refuse refuse) const;

    std::shared_ptr<const Playbook> playbook_;
    std::deque<Opportunity> opportunities_;  // a deque: references stay valid as it grows
    // Opportunity id -> place in opportunities_; the keys view the opportunities' own ids
    // (each kept in its opportunity's heap state, so they stay put).
    absl::flat_hash_map<std::string_view, std::uint32_t> index_;
    // Hashes of the ids in the histories, to refuse an id applied before
    // (checked exactly on a hit); built only once a second batch comes.
    absl::flat_hash_set<std::uint64_t> applied_;
    bool applied_current_ = true;
    std::size_t events_ = 0;  // events given to opportunities so far
};

// One input (a file read in chunks, a table batch by batch) applied piece by
// piece with the answer of one batch, so that the input never exists whole.
// That holds while each opportunity's events come in time order across pieces
// (within a piece any order is fine): an event for an opportunity no piece has
// opened yet waits for a later piece's `open`, and a repeated id is judged
// against every earlier piece. Until finish(), abandon() (or the destructor)
// puts the pipeline back as it was before the input.
class Pipeline::Intake {
public:
    // `pieces`: more than one piece may come (else add() is called once and
    // nothing is kept for later pieces or for abandon()).
    Intake(Pipeline& pipeline, unsigned threads, bool pieces);
    ~Intake();
    Intake(const Intake&) = delete;
    Intake& operator=(const Intake&) = delete;

    // Applies the next piece; `more`: another piece follows. False when the
    // input cannot be applied in pieces (an opportunity's event is earlier than
    // one an earlier piece gave it): then only abandon() may follow, and the
    // caller applies the input as one batch.
    bool add(const std::vector<const Event*>& piece, bool more);
    // The position in this input of the first event with this id, if an
    // earlier piece had one (readers that judge a repeat as an error ask this).
    std::optional<std::size_t> earlier(std::string_view id) const;
    std::size_t size() const { return out_.size(); }  // events so far
    // What each event did, in the input's order; the pipeline keeps it all.
    std::vector<BatchRecord> finish();
    void abandon();

private:
    struct Waiting {  // an event for an opportunity not opened yet
        std::size_t position;
        Event event;
        bool taken = false;
    };
    void reject(std::size_t position, const Event& e, std::string reason);
    std::string_view id_at(std::size_t position) const;
    // Adds the event's id to those of this input; false if it is there already.
    bool remember(const Event& e, std::size_t position);

    Pipeline& p_;
    unsigned threads_;
    bool pieces_, fresh_, open_ = true;
    std::size_t start_opportunities_, start_events_;
    std::size_t added_ = 0;  // pieces so far
    std::vector<BatchRecord> out_;
    std::vector<Timestamp> latest_;  // per opportunity: the latest time an earlier piece gave it
    absl::flat_hash_map<std::uint32_t, Opportunity> saved_;  // opportunities of earlier inputs as they were
    const std::vector<const Event*>* piece_ = nullptr;  // the piece being added, from position piece_base_
    std::size_t piece_base_ = 0;
    // The ids of this input, each at its first position: 8 bytes a slot
    // (32 bits of the id's hash above the position; the id itself is read
    // back from the position to confirm a match).
    struct SeenId {
        std::uint32_t hash;
        std::string_view id;
    };
    struct SeenHash {
        using is_transparent = void;
        std::size_t operator()(std::uint64_t seen) const { return absl::Hash<std::uint32_t>{}(seen >> 32); }
        std::size_t operator()(const SeenId& id) const { return absl::Hash<std::uint32_t>{}(id.hash); }
    };
    struct SeenEq {
        using is_transparent = void;
        const Intake* intake;
        bool operator()(std::uint64_t a, std::uint64_t b) const { return a == b; }
        bool operator()(std::uint64_t seen, const SeenId& id) const {
            return seen >> 32 == id.hash && intake->id_at(static_cast<std::uint32_t>(seen)) == id.id;
        }
        bool operator()(const SeenId& id, std::uint64_t seen) const { return (*this)(seen, id); }
    };
    static SeenId seen_id(std::string_view id);
    absl::flat_hash_set<std::uint64_t, SeenHash, SeenEq> seen_;
    std::deque<Waiting> waiting_;  // by position
    absl::flat_hash_map<std::string, std::vector<std::size_t>> waiting_for_;  // opportunity id -> places in waiting_
    std::vector<std::pair<std::size_t, std::string>> unnamed_;  // rejected, naming an opportunity a later piece may open
};

}  // namespace pursuit
