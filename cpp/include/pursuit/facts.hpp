// What is known about an opportunity: the facts its events established.
// Gates read them; only the Opportunity writes them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pursuit/event.hpp"

namespace pursuit {

// A small set of roles (a contact can hold several at once).
class RoleSet {
public:
    RoleSet() = default;
    explicit RoleSet(const std::vector<Role>& roles) {
        for (Role r : roles) bits_ |= bit(r);
    }
    bool has(Role r) const { return (bits_ & bit(r)) != 0; }
    std::vector<Role> roles() const {
        std::vector<Role> out;
        for (std::size_t i = 0; i < size<Role>(); ++i)
            if (has(static_cast<Role>(i))) out.push_back(static_cast<Role>(i));
        return out;
    }
    bool operator==(RoleSet o) const { return bits_ == o.bits_; }
    bool operator!=(RoleSet o) const { return bits_ != o.bits_; }

private:
    static std::uint8_t bit(Role r) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)); }
    std::uint8_t bits_ = 0;
};

// A contact of this opportunity by its place in Facts::contacts: facts that
// name a contact keep this instead of a copy of its id (contacts are never
// removed, so places are stable). The saved state writes the id.
using ContactIndex = std::uint32_t;
constexpr ContactIndex kNoContact = UINT32_MAX;

struct ContactFact {
    std::string id;
    Text name, title;
    RoleSet roles;
    std::optional<Authority> authority;
    std::optional<Stance> stance;
    bool access = false;
    std::vector<std::string> focus;
    bool active = true;  // false once the contact has left
    Timestamp since = 0, left_at = 0;
    auto fields() const {
        return std::tie(id, name, title, roles, authority, stance, access, focus, active, since, left_at);
    }
};

struct SignalFact {
    SignalKind kind{};
    ContactIndex contact = kNoContact;
    Timestamp at = 0;
    bool derived = false;  // recorded by pursuit itself (a contact left: people_change)
    auto fields() const { return std::tie(kind, contact, at, derived); }
};

struct AnswerFact {
    Answer answer{};
    Timestamp at = 0;
    Text note;
    auto fields() const { return std::tie(answer, at, note); }
};

struct InsightFact {
    InsightTopic topic{};
    std::string text;
    Timestamp at = 0;
    auto fields() const { return std::tie(topic, text, at); }
};

struct CompetitorFact {
    std::string name;
    std::vector<std::string> strengths, weaknesses;
    Text strategy;
    std::vector<std::string> ties;  // contact ids with ties to this competitor
    Timestamp at = 0;
    auto fields() const { return std::tie(name, strengths, weaknesses, strategy, ties, at); }
};

struct EvidenceFact {
    EvidenceKind kind{};
    ContactIndex contact = kNoContact;
    Timestamp at = 0;
    bool valid = true;
    Timestamp revoked_at = 0;
    std::string revoked_by;  // id of the event that revoked it
    auto fields() const { return std::tie(kind, contact, at, valid, revoked_at, revoked_by); }
};

struct InteractionFact {
    Channel channel{};
    Direction direction{};
    std::uint32_t volume = 1;
    ContactIndex contact = kNoContact;
    Timestamp at = 0;
    auto fields() const { return std::tie(channel, direction, volume, contact, at); }
};

// The opportunity's header: what its `open` event said, and when.
struct Header : events::Open {
    Timestamp opened_at = 0;
    auto fields() const { return std::tuple_cat(events::Open::fields(), std::tie(opened_at)); }
};

// How the opportunity was closed (cleared by reopen).
struct Closing {
    Outcome outcome{};
    std::optional<LossReason> loss_reason;
    Text lost_to;                 // the competitor named on a loss
    std::string disqualified_why;
    Timestamp at = 0;
    auto fields() const { return std::tie(outcome, loss_reason, lost_to, disqualified_why, at); }
};

// The lists most events append to come first: together they fill two cache
// lines, so an event touches few of the opportunity's lines.
struct Facts {
    std::vector<ContactFact> contacts;  // in order of first mention
    std::vector<InteractionFact> interactions;
    std::vector<SignalFact> signals;
    std::vector<EvidenceFact> evidence;
    std::vector<InsightFact> insights;
    std::vector<CompetitorFact> competitors;
    bool no_competitor = false;            // the explicit finding that there is none
    std::optional<bool> criteria_aligned;  // from the latest buyer_stage event that said
    std::array<std::optional<AnswerFact>, size<Criterion>()> answers;  // latest answer per criterion
    Header header;
    std::optional<Closing> closing;

    const ContactFact* contact(std::string_view id) const;
    ContactFact* contact(std::string_view id);
    std::optional<ContactIndex> contact_index(std::string_view id) const;
    const ContactFact* contact_at(ContactIndex i) const { return i < contacts.size() ? &contacts[i] : nullptr; }
    std::optional<Answer> answer(Criterion c) const {
        const auto& a = answers[static_cast<std::size_t>(c)];
        return a ? std::optional<Answer>(a->answer) : std::nullopt;
    }
    bool has_insight(InsightTopic topic) const;
    // Valid evidence of `kind`; contact-borne evidence counts only while its contact is active.
    std::size_t valid_evidence(EvidenceKind kind, Timestamp not_before = INT64_MIN) const;

    auto fields() const {
        return std::tie(header, signals, answers, contacts, insights, competitors, no_competitor, evidence,
                        interactions, criteria_aligned, closing);
    }
};

}  // namespace pursuit
