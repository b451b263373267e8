// The event model: one typed struct per event type of DOMAIN.md's catalogue.
// Events are parsed into these (never kept as JSON) and serialised back to the
// canonical JSON form by json.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "pursuit/fields.hpp"
#include "pursuit/time.hpp"
#include "pursuit/vocabulary.hpp"

namespace pursuit {

using Text = std::optional<std::string>;

namespace events {

// Each body exposes its fields as a tuple of references (fields.hpp).
// `segments`: optional fields an organisation slices its pipeline by (sector,
// product, region …); keys are lower-case ids, kept sorted.
struct Open {
    std::string account, name;
    std::optional<double> amount;
    Text currency;
    std::optional<Date> expected_close;
    Text owner;
    std::map<std::string, std::string> segments;
    auto fields() const { return std::tie(account, name, amount, currency, expected_close, owner, segments); }
};
struct Signal {
    SignalKind kind{};
    Text contact;
    auto fields() const { return std::tie(kind, contact); }
};
struct Qualify {
    Criterion criterion{};
    Answer answer{};
    auto fields() const { return std::tie(criterion, answer); }
};
// An upsert: an absent field leaves what is known unchanged.
struct Contact {
    std::string contact;
    Text name, title;
    std::optional<std::vector<Role>> roles;
    std::optional<Authority> authority;
    std::optional<Stance> stance;
    std::optional<bool> access;
    std::optional<std::vector<std::string>> focus;
    auto fields() const { return std::tie(contact, name, title, roles, authority, stance, access, focus); }
};
struct ContactLeft {
    std::string contact;
    auto fields() const { return std::tie(contact); }
};
struct Insight {
    InsightTopic topic{};
    std::string text;
    auto fields() const { return std::tie(topic, text); }
};
// Either a named competitor, or `none`: the explicit finding that there is none.
struct Competitor {
    bool none = false;
    std::string name;
    std::vector<std::string> strengths, weaknesses;
    Text strategy;
    std::vector<std::string> ties;
    auto fields() const { return std::tie(none, name, strengths, weaknesses, strategy, ties); }
};
struct Evidence {
    EvidenceKind kind{};
    Text contact;
    auto fields() const { return std::tie(kind, contact); }
};
struct EvidenceRevoked {
    EvidenceKind kind{};
    Text contact;
    auto fields() const { return std::tie(kind, contact); }
};
struct Interaction {
    Channel channel{};
    Direction direction{};
    std::uint32_t volume = 1;
    Text contact;
    auto fields() const { return std::tie(channel, direction, volume, contact); }
};
struct BuyerStageChange {
    BuyerStage stage{};
    std::optional<bool> criteria_aligned;
    auto fields() const { return std::tie(stage, criteria_aligned); }
};
struct Advance {
    auto fields() const { return std::tie(); }
};
struct Win {
    auto fields() const { return std::tie(); }
};
struct Lose {
    LossReason reason{};
    Text competitor;
    auto fields() const { return std::tie(reason, competitor); }
};
struct Disqualify {
    std::string reason;
    auto fields() const { return std::tie(reason); }
};
struct Reopen {
    auto fields() const { return std::tie(); }
};
// The text of a note event is the common `note` field.
struct Note {
    auto fields() const { return std::tie(); }
};

using pursuit::operator==;
using pursuit::operator!=;

// Alternatives in EventType order: the variant index is the event type.
using Body = std::variant<Open, Signal, Qualify, Contact, ContactLeft, Insight, Competitor, Evidence,
                          EvidenceRevoked, Interaction, BuyerStageChange, Advance, Win, Lose,
                          Disqualify, Reopen, Note>;
static_assert(std::variant_size_v<Body> == size<EventType>(), "one body per event type");

}  // namespace events

struct Event {
    std::string id;
    std::string opportunity;
    Timestamp at = 0;
    Text actor;
    Text note;
    events::Body body;

    EventType type() const { return static_cast<EventType>(body.index()); }
    auto fields() const { return std::tie(id, opportunity, at, actor, note, body); }
};

}  // namespace pursuit
