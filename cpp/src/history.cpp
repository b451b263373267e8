// The compact history: packing a Record into 24 bytes and back.
#include "pursuit/history.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace pursuit {
namespace {

static_assert(size<Step>() <= 8 && size<Outcome>() < 31 && size<BuyerStage>() <= 16, "positions pack into a byte");
static_assert(size<EventType>() <= 32 && size<Verdict>() <= 8, "type and verdict pack into a byte");

// The inverse of History::pack(Position).
Position unpack(std::uint8_t bits) {
    Position p{static_cast<Step>(bits & 7u), std::nullopt};
    if (bits >> 3) p.outcome = static_cast<Outcome>((bits >> 3) - 1);
    return p;
}

}  // namespace

History::Aside& History::aside() {
    if (!aside_) aside_ = std::make_unique<Aside>();
    return *aside_;
}

void History::push_back_slowly(const Record& r, const std::string& event_id) {
    static_assert(sizeof(Entry) == 24, "a record in three words");
    const bool detail = !r.unmet.empty() || !r.reason.empty();
    const bool long_id = event_id.size() > kShortId;
    if (entries_.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("an opportunity's history is limited to 4,294,967,295 records");
    // Room first, so that nothing below leaves a half-added record. Most
    // opportunities see a few dozen events: skip the smallest steps.
    if (entries_.size() == entries_.capacity()) entries_.reserve(entries_.empty() ? 16 : 2 * entries_.size());
    Entry e{};
    e.at = r.at;
    if (long_id) {
        std::string& ids = aside().ids;
        if (ids.size() + event_id.size() > std::numeric_limits<std::uint32_t>::max())
            throw std::length_error("an opportunity's history is limited to 4 GiB of long event ids");
        const std::uint32_t where[2] = {static_cast<std::uint32_t>(ids.size()),
                                        static_cast<std::uint32_t>(event_id.size())};
        std::memcpy(e.id, where, sizeof where);
        ids.append(event_id);
    } else {
        std::memcpy(e.id, event_id.data(), event_id.size());
    }
    pack(e, r, static_cast<std::uint8_t>((detail ? kDetail : 0) | (long_id ? kLongId : event_id.size() << 4)));
    if (detail) aside().details.push_back({static_cast<std::uint32_t>(entries_.size()), r.unmet, r.reason});
    entries_.push_back(e);
}

void History::pop_back() {
    const Entry& e = entries_.back();
    if (e.flags & kDetail) aside_->details.pop_back();
    if (e.flags & kLongId) {
        std::uint32_t where[2];
        std::memcpy(where, e.id, sizeof where);
        aside_->ids.resize(where[0]);
    }
    entries_.pop_back();
}

std::string_view History::event_id(std::size_t i) const {
    const Entry& e = entries_[i];
    if (!(e.flags & kLongId)) return {e.id, static_cast<std::size_t>(e.flags >> 4)};
    std::uint32_t where[2];
    std::memcpy(where, e.id, sizeof where);
    return std::string_view(aside_->ids).substr(where[0], where[1]);
}

Record History::operator[](std::size_t i) const {
    const Entry& e = entries_.at(i);
    Record r;
    r.event_id = event_id(i);
    r.at = e.at;
    r.type = static_cast<EventType>(e.kind & 31u);
    r.verdict = static_cast<Verdict>(e.kind >> 5);
    r.before = unpack(e.before);
    r.after = unpack(e.after);
    r.buyer_before = static_cast<BuyerStage>(e.buyers & 15u);
    r.buyer_after = static_cast<BuyerStage>(e.buyers >> 4);
    r.late_entry = e.flags & kLateEntry;
    r.buyer_backward = e.flags & kBuyerBackward;
    if (e.flags & kDetail) {
        const auto& details = aside_->details;
        const auto d = std::lower_bound(details.begin(), details.end(), i,
                                        [](const Detail& x, std::size_t k) { return x.index < k; });
        r.unmet = d->unmet;
        r.reason = d->reason;
    }
    return r;
}

bool History::operator==(const History& other) const {
    if (size() != other.size()) return false;
    for (std::size_t i = 0; i < size(); ++i)
        if ((*this)[i] != other[i]) return false;
    return true;
}

}  // namespace pursuit
