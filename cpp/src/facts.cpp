// How each fact event changes what is known about an opportunity.
#include <algorithm>

#include "rules.hpp"
#include "text.hpp"

namespace pursuit {

const ContactFact* Facts::contact(std::string_view id) const {
    const auto i = contact_index(id);
    return i ? &contacts[*i] : nullptr;
}

std::optional<ContactIndex> Facts::contact_index(std::string_view id) const {
    for (std::size_t i = 0; i < contacts.size(); ++i)
        if (same_id(contacts[i].id, id)) return static_cast<ContactIndex>(i);
    return std::nullopt;
}

ContactFact* Facts::contact(std::string_view id) {
    return const_cast<ContactFact*>(static_cast<const Facts&>(*this).contact(id));
}

void Facts::shrink_to_fit() {
    contacts.shrink_to_fit();
    interactions.shrink_to_fit();
    signals.shrink_to_fit();
    evidence.shrink_to_fit();
    insights.shrink_to_fit();
    competitors.shrink_to_fit();
    answers.shrink_to_fit();
}

bool Facts::has_insight(InsightTopic topic) const {
    return std::any_of(insights.begin(), insights.end(), [&](const InsightFact& i) { return i.topic == topic; });
}

std::size_t Facts::valid_evidence(EvidenceKind kind, Timestamp not_before) const {
    std::size_t n = 0;
    for (const auto& e : evidence) {
        if (e.kind != kind || !e.valid || e.at < not_before) continue;
        if (e.contact != kNoContact && !contacts[e.contact].active) continue;
        ++n;
    }
    return n;
}

namespace {

// The place of a contact the event named (validated to exist), or none.
ContactIndex index_of(const Facts& facts, const Text& id) {
    return id ? facts.contact_index(*id).value_or(kNoContact) : kNoContact;
}

std::string known_active(const Facts& facts, const Text& id, ContactIndex* named) {
    if (!id) return {};
    const auto i = facts.contact_index(*id);
    if (!i) return "unknown contact " + quote(*id) + ": record it with a 'contact' event first";
    if (!facts.contacts[*i].active) return "contact " + quote(*id) + " has left the account";
    if (named) *named = *i;
    return {};
}

// Marks matching valid evidence revoked; returns how many.
std::size_t revoke(Facts& facts, EvidenceKind kind, const Text& contact, const Event& by, bool any_kind) {
    const ContactIndex who = index_of(facts, contact);
    std::size_t n = 0;
    for (auto& e : facts.evidence) {
        if (!e.valid || (!any_kind && e.kind != kind) || (contact && e.contact != who)) continue;
        e.valid = false;
        e.revoked_at = by.at;
        e.revoked_by = by.id;
        ++n;
    }
    return n;
}

// Most opportunities collect a few facts of each kind: start with room for
// them rather than growing through 1, 2, 4 (each step moves every element).
template <class T>
void append(std::vector<T>& facts, T&& fact, std::size_t room) {
    if (facts.capacity() == 0) facts.reserve(room);
    facts.push_back(std::move(fact));
}

template <class T>
void set_if(T& target, const std::optional<T>& value) {
    if (value) target = *value;
}

}  // namespace

std::string invalid_reference(const Facts& facts, const Event& event, ContactIndex* named) {
    using namespace events;
    if (named) *named = kNoContact;
    if (!names_references(event.type())) return {};  // skip the visit
    return std::visit(
        [&](const auto& b) -> std::string {
            using B = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<B, Signal> || std::is_same_v<B, Evidence> || std::is_same_v<B, Interaction>) {
                return known_active(facts, b.contact, named);
            } else if constexpr (std::is_same_v<B, ContactLeft>) {
                return known_active(facts, b.contact, named);
            } else if constexpr (std::is_same_v<B, EvidenceRevoked>) {
                // Revoking what is already revoked (say, when its contact left) is harmless;
                // revoking what was never recorded is a mistake.
                const auto who = b.contact ? facts.contact_index(*b.contact) : std::nullopt;
                if (b.contact && !who) return "unknown contact " + quote(*b.contact);
                for (const auto& e : facts.evidence)
                    if (e.kind == b.kind && (!b.contact || e.contact == *who)) return {};
                return "no '" + std::string(to_id(b.kind)) + "' evidence" +
                       (b.contact ? " from " + quote(*b.contact) : std::string()) + " was recorded to revoke";
            } else if constexpr (std::is_same_v<B, Competitor>) {
                for (const auto& tie : b.ties)
                    if (!facts.contact(tie)) return "unknown contact " + quote(tie) + " in ties";
                return {};
            } else {
                return {};
            }
        },
        event.body);
}

void record_fact(Facts& facts, const Event& event, const ContactIndex* named) {
    using namespace events;
    auto named_or = [&](const Text& id) { return named ? *named : index_of(facts, id); };
    std::visit(
        [&](const auto& b) {
            using B = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<B, Open>) {
                Header& h = facts.header;
                h.account = b.account;
                h.name = b.name;
                h.amount = b.amount;
                h.currency = b.currency;
                h.expected_close = b.expected_close;
                h.owner = b.owner;
                h.segments = b.segments;
                h.opened_at = event.at;
            } else if constexpr (std::is_same_v<B, Signal>) {
                append(facts.signals, {b.kind, named_or(b.contact), event.at, false}, 2);
            } else if constexpr (std::is_same_v<B, Qualify>) {
                AnswerFact* a = facts.answer_fact(b.criterion);
                if (!a) {  // kept in the criteria's order, as the saved state lists them
                    if (facts.answers.capacity() == 0) facts.answers.reserve(4);
                    const auto at = std::find_if(facts.answers.begin(), facts.answers.end(),
                                                 [&](const AnswerFact& x) { return x.criterion > b.criterion; });
                    a = &*facts.answers.insert(at, AnswerFact{b.criterion, {}, 0, {}});
                }
                a->answer = b.answer;
                a->at = event.at;
                a->note = event.note;
            } else if constexpr (std::is_same_v<B, Contact>) {
                ContactFact* c = facts.contact(b.contact);
                if (!c) {
                    if (facts.contacts.capacity() == 0) facts.contacts.reserve(4);
                    c = &facts.contacts.emplace_back();
                    c->id = b.contact;
                    c->since = event.at;
                }
                if (!c->active) c->active = true, c->since = event.at, c->left_at = 0;  // came back
                if (b.name) c->name = b.name;
                if (b.title) c->title = b.title;
                if (b.roles) c->roles = RoleSet(*b.roles);
                if (b.authority) c->authority = b.authority;
                if (b.stance) c->stance = b.stance;
                set_if(c->access, b.access);
                if (b.focus) c->focus.assign(b.focus->begin(), b.focus->end());
            } else if constexpr (std::is_same_v<B, ContactLeft>) {
                const ContactIndex who = named ? *named : *facts.contact_index(b.contact);
                facts.contacts[who].active = false;
                facts.contacts[who].left_at = event.at;
                // A person leaving is a warning signal, and the evidence they carried goes with them.
                append(facts.signals, {SignalKind::people_change, who, event.at, true}, 2);
                revoke(facts, EvidenceKind{}, b.contact, event, true);
            } else if constexpr (std::is_same_v<B, Insight>) {
                if (facts.insights.capacity() == 0) facts.insights.reserve(4);
                facts.insights.push_back({b.topic, {}, event.at});
                facts.insights.back().text = b.text;  // copied into place, not moved there
            } else if constexpr (std::is_same_v<B, Competitor>) {
                if (b.none) {
                    facts.no_competitor = true;
                    return;
                }
                CompetitorFact fact{b.name, Names(b.strengths.begin(), b.strengths.end()),
                                    Names(b.weaknesses.begin(), b.weaknesses.end()), b.strategy,
                                    Names(b.ties.begin(), b.ties.end()), event.at};
                auto it = std::find_if(facts.competitors.begin(), facts.competitors.end(),
                                       [&](const CompetitorFact& c) { return c.name == b.name; });
                if (it != facts.competitors.end()) *it = std::move(fact);
                else facts.competitors.push_back(std::move(fact));
            } else if constexpr (std::is_same_v<B, Evidence>) {
                append(facts.evidence, {b.kind, named_or(b.contact), event.at, true, 0, {}}, 4);
            } else if constexpr (std::is_same_v<B, EvidenceRevoked>) {
                revoke(facts, b.kind, b.contact, event, false);
            } else if constexpr (std::is_same_v<B, Interaction>) {
                append(facts.interactions, {b.channel, b.direction, b.volume, named_or(b.contact), event.at}, 8);
            } else if constexpr (std::is_same_v<B, BuyerStageChange>) {
                if (b.criteria_aligned) facts.criteria_aligned = b.criteria_aligned;
            } else if constexpr (std::is_same_v<B, Lose>) {
                facts.closing = Closing{Outcome::lost, b.reason, b.competitor, {}, event.at};
            } else if constexpr (std::is_same_v<B, Disqualify>) {
                facts.closing = Closing{Outcome::disqualified, std::nullopt, std::nullopt, b.reason, event.at};
            } else if constexpr (std::is_same_v<B, Win>) {
                facts.closing = Closing{Outcome::won, std::nullopt, std::nullopt, {}, event.at};
            } else if constexpr (std::is_same_v<B, Reopen>) {
                facts.closing.reset();
            }
        },
        event.body);
}

}  // namespace pursuit
