// An opportunity's history: what applying each event did, one Record per
// applied event, in order. Stored compactly, because it is most of an
// opportunity's memory: 24 bytes a record with its event id inside when the
// id is short (up to 11 bytes), longer ids in one shared buffer; the rare
// unmet lists and reasons (refused, fell back, not applicable) are kept
// aside. Records are rebuilt on reading.
#pragma once

#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "pursuit/fields.hpp"
#include "pursuit/time.hpp"
#include "pursuit/vocabulary.hpp"

namespace pursuit {

// Where the opportunity stands in our process: the step it is in, or the
// outcome that closed it (then `step` is the step it was closed from).
struct Position {
    Step step = Step::identification;
    std::optional<Outcome> outcome;
    bool active() const { return !outcome; }
    auto fields() const { return std::tie(step, outcome); }
};

// A requirement of the opportunity's playbook, by gate and position.
struct RequirementRef {
    Gate gate{};
    std::uint16_t index = 0;
    auto fields() const { return std::tie(gate, index); }
};

// What applying one event did. Every applied event leaves one in the history;
// a rejected event leaves none (nothing was applied).
struct Record {
    std::string event_id;
    Timestamp at = 0;
    EventType type{};
    Verdict verdict{};
    Position before, after;
    BuyerStage buyer_before{}, buyer_after{};
    std::vector<RequirementRef> unmet;  // refused: the gate's unmet requirements; fell_back: the broken ones
    bool late_entry = false;            // the buyer was first seen, or jumped, past a stage we never saw
    bool buyer_backward = false;        // the buyer went back (e.g. reopened evaluation)
    std::string reason;                 // rejected / not_applicable: why, in words
    auto fields() const {
        return std::tie(event_id, at, type, verdict, before, after, buyer_before, buyer_after, unmet, late_entry,
                        buyer_backward, reason);
    }
};

class History {
public:
    // Yields Records by value (they are rebuilt from the compact form).
    class const_iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Record;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = Record;
        const_iterator(const History* h, std::size_t i) : h_(h), i_(i) {}
        Record operator*() const { return (*h_)[i_]; }
        const_iterator& operator++() { return ++i_, *this; }
        const_iterator operator++(int) { return {h_, i_++}; }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }
        bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

    private:
        const History* h_;
        std::size_t i_;
    };

    History() = default;
    History(const History& other)
        : entries_(other.entries_), aside_(other.aside_ ? std::make_unique<Aside>(*other.aside_) : nullptr) {}
    History(History&&) noexcept = default;
    History& operator=(const History& other) {
        if (this != &other) *this = History(other);
        return *this;
    }
    History& operator=(History&&) noexcept = default;
    ~History() = default;

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    Record operator[](std::size_t i) const;
    Record front() const { return (*this)[0]; }
    Record back() const { return (*this)[size() - 1]; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

    // Without rebuilding the record.
    Timestamp at(std::size_t i) const { return entries_[i].at; }
    Verdict verdict(std::size_t i) const { return static_cast<Verdict>(entries_[i].kind >> 5); }
    bool moved(std::size_t i) const { return entries_[i].before != entries_[i].after; }  // the position changed
    bool late_entry(std::size_t i) const { return entries_[i].flags & kLateEntry; }
    std::string_view event_id(std::size_t i) const;

    // Appends what applying an event did; `event_id` stands in for the
    // record's own (empty while the opportunity applies, which fills it last).
    void push_back(const Record& record) { push_back(record, record.event_id); }
    void push_back(const Record& record, const std::string& event_id) {
        // The common record, packed here: a short id, nothing aside, room left.
        if (event_id.size() <= kShortId && record.unmet.empty() && record.reason.empty() &&
            entries_.size() < entries_.capacity()) {
            Entry& e = entries_.emplace_back();
            e.at = record.at;
            std::memcpy(e.id, event_id.data(), event_id.size());  // only the id's own bytes
            pack(e, record, static_cast<std::uint8_t>(event_id.size() << 4));
            return;
        }
        push_back_slowly(record, event_id);
    }
    void pop_back();
    std::size_t capacity() const { return entries_.capacity(); }
    void reserve(std::size_t records) { entries_.reserve(records); }
    void shrink_to_fit() { entries_.shrink_to_fit(); }

    bool operator==(const History& other) const;
    bool operator!=(const History& other) const { return !(*this == other); }

private:
    static constexpr std::size_t kShortId = 11;
    struct Entry {
        Timestamp at;
        char id[kShortId];           // the event id, or (kLongId) its offset and size in the aside's ids as two uint32
        std::uint8_t kind;           // type | verdict << 5
        std::uint8_t before, after;  // a Position packed by pack()
        std::uint8_t buyers;         // buyer_before | buyer_after << 4
        std::uint8_t flags;          // kLateEntry | kBuyerBackward | kDetail | kLongId | size of a short id << 4
    };
    // Unmet requirements and reason of the records that have them.
    struct Detail {
        std::uint32_t index;
        std::vector<RequirementRef> unmet;
        std::string reason;
    };
    static constexpr std::uint8_t kLateEntry = 1, kBuyerBackward = 2, kDetail = 4, kLongId = 8;

    // What few records have, in a block made when first needed, so that the
    // history itself is two words beside the opportunity's id.
    struct Aside {
        std::string ids;               // long event ids
        std::vector<Detail> details;  // by index, ascending
    };
    Aside& aside();
    void push_back_slowly(const Record& record, const std::string& event_id);
    // Step in the low 3 bits; the outcome + 1 above them (0: still active).
    static std::uint8_t pack(Position p) {
        return static_cast<std::uint8_t>(static_cast<unsigned>(p.step) |
                                         (p.outcome ? (static_cast<unsigned>(*p.outcome) + 1) << 3 : 0u));
    }
    static void pack(Entry& e, const Record& r, std::uint8_t flags) {
        e.kind = static_cast<std::uint8_t>(static_cast<unsigned>(r.type) | static_cast<unsigned>(r.verdict) << 5);
        e.before = pack(r.before);
        e.after = pack(r.after);
        e.buyers = static_cast<std::uint8_t>(static_cast<unsigned>(r.buyer_before) |
                                             static_cast<unsigned>(r.buyer_after) << 4);
        e.flags = static_cast<std::uint8_t>(flags | (r.late_entry ? kLateEntry : 0) | (r.buyer_backward ? kBuyerBackward : 0));
    }

    std::vector<Entry> entries_;
    std::unique_ptr<Aside> aside_;
};

}  // namespace pursuit
