// What is known about an opportunity: the facts its events established.
// Gates read them; only the Opportunity writes them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/flyweight.hpp>

#include "pursuit/event.hpp"

namespace pursuit {

// Text that many facts repeat (accounts, owners, currencies, contacts' names
// and titles, competitors), interned with Boost.Flyweight: each distinct
// string is stored once in the process while some fact holds it, and a fact
// holds one pointer. Empty means absent (events never carry empty text), so
// it also stands for an optional text in the same 8 bytes.
class Name {
public:
    Name() : text_(empty()) {}
    Name(std::string_view text) : text_(text.empty() ? empty() : Text_(std::string(text))) {}  // NOLINT: implicit
    Name(const std::string& text) : Name(std::string_view(text)) {}                          // NOLINT: implicit
    Name(const char* text) : Name(std::string_view(text)) {}                                 // NOLINT: implicit
    Name(std::nullopt_t) : Name() {}  // NOLINT: implicit
    Name(const std::optional<std::string>& text) : Name(text ? std::string_view(*text) : std::string_view()) {}  // NOLINT

    bool has_value() const { return !str().empty(); }
    explicit operator bool() const { return has_value(); }
    const std::string& str() const { return text_.get(); }
    const std::string& operator*() const { return str(); }
    const std::string* operator->() const { return &str(); }
    operator std::string_view() const { return str(); }  // NOLINT: implicit, to read it as text
    std::string value_or(std::string_view otherwise) const { return std::string(has_value() ? str() : otherwise); }

    // Equal strings are one interned copy: comparing is comparing pointers.
    friend bool operator==(const Name& a, const Name& b) { return a.text_ == b.text_; }
    friend bool operator!=(const Name& a, const Name& b) { return !(a == b); }
    friend bool operator==(const Name& a, std::string_view b) { return a.str() == b; }
    friend bool operator!=(const Name& a, std::string_view b) { return a.str() != b; }
    friend bool operator==(const Name& a, const std::string& b) { return a.str() == b; }
    friend bool operator!=(const Name& a, const std::string& b) { return a.str() != b; }
    friend bool operator==(const Name& a, const char* b) { return a.str() == b; }
    friend bool operator!=(const Name& a, const char* b) { return a.str() != b; }
    friend bool operator<(const Name& a, const Name& b) { return a.str() < b.str(); }

private:
    struct Tag {};
    using Text_ = boost::flyweight<std::string, boost::flyweights::tag<Tag>>;
    // The absent value, copied rather than looked up (a copy takes no lock);
    // never destroyed, so that facts destroyed at exit still find it.
    static const Text_& empty() {
        static const Text_* const none = new Text_(std::string());
        return *none;
    }
    Text_ text_;
};
using Names = std::vector<Name>;

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
    std::string id;  // unique to its opportunity: interning would only add to it
    Name name, title;
    RoleSet roles;
    std::optional<Authority> authority;
    std::optional<Stance> stance;
    bool access = false;
    Names focus;
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
    Criterion criterion{};
    Answer answer{};
    Timestamp at = 0;
    Text note;
    auto fields() const { return std::tie(criterion, answer, at, note); }
};

struct InsightFact {
    InsightTopic topic{};
    std::string text;
    Timestamp at = 0;
    auto fields() const { return std::tie(topic, text, at); }
};

struct CompetitorFact {
    Name name;
    Names strengths, weaknesses;
    Text strategy;
    Names ties;  // contact ids with ties to this competitor
    Timestamp at = 0;
    auto fields() const { return std::tie(name, strengths, weaknesses, strategy, ties, at); }
};

struct EvidenceFact {
    EvidenceKind kind{};
    ContactIndex contact = kNoContact;
    Timestamp at = 0;
    bool valid = true;
    Timestamp revoked_at = 0;
    Name revoked_by;  // id of the event that revoked it (interned: absent until then)
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
struct Header {
    Name account, name;
    std::optional<double> amount;
    Name currency;
    std::optional<Date> expected_close;
    Name owner;
    std::map<std::string, std::string> segments;
    Timestamp opened_at = 0;
    auto fields() const { return std::tie(account, name, amount, currency, expected_close, owner, segments, opened_at); }
};

// How the opportunity was closed (cleared by reopen).
struct Closing {
    Outcome outcome{};
    std::optional<LossReason> loss_reason;
    Name lost_to;                 // the competitor named on a loss
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
    std::vector<AnswerFact> answers;       // the latest answer per criterion answered, in the criteria's order
    Header header;
    std::optional<Closing> closing;

    const ContactFact* contact(std::string_view id) const;
    ContactFact* contact(std::string_view id);
    std::optional<ContactIndex> contact_index(std::string_view id) const;
    const ContactFact* contact_at(ContactIndex i) const { return i < contacts.size() ? &contacts[i] : nullptr; }
    const AnswerFact* answer_fact(Criterion c) const {
        for (const auto& a : answers)
            if (a.criterion == c) return &a;
        return nullptr;
    }
    AnswerFact* answer_fact(Criterion c) { return const_cast<AnswerFact*>(std::as_const(*this).answer_fact(c)); }
    std::optional<Answer> answer(Criterion c) const {
        const AnswerFact* a = answer_fact(c);
        return a ? std::optional<Answer>(a->answer) : std::nullopt;
    }
    bool has_insight(InsightTopic topic) const;
    // Valid evidence of `kind`; contact-borne evidence counts only while its contact is active.
    std::size_t valid_evidence(EvidenceKind kind, Timestamp not_before = INT64_MIN) const;
    void shrink_to_fit();  // gives back the lists' spare room

    auto fields() const {
        return std::tie(header, signals, answers, contacts, insights, competitors, no_competitor, evidence,
                        interactions, criteria_aligned, closing);
    }
};

}  // namespace pursuit
