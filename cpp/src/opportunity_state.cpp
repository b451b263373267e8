// An opportunity's whole state as a versioned JSON document (pickling,
// inspection), with every fact and history record.
#include <nlohmann/json.hpp>

#include "pursuit/opportunity.hpp"

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& v) { j = v ? json(*v) : json(nullptr); }
    static void from_json(const json& j, std::optional<T>& v) {
        if (j.is_null()) v.reset();
        else v = j.get<T>();
    }
};
}  // namespace nlohmann

namespace pursuit {

using nlohmann::json;

// Every vocabulary term is written as its id.
template <class E, class = decltype(Vocabulary<E>::terms)>
void to_json(json& j, E value) {
    j = to_id(value);
}
template <class E, class = decltype(Vocabulary<E>::terms)>
void from_json(const json& j, E& value) {
    const auto parsed = parse_id<E>(j.get<std::string>());
    if (!parsed) throw std::invalid_argument("unknown " + std::string(Vocabulary<E>::kind) + " " + j.dump());
    value = *parsed;
}

// Interned text is written as its string (null when absent).
void to_json(json& j, const Name& name) { j = name ? json(name.str()) : json(nullptr); }
void from_json(const json& j, Name& name) { name = j.is_null() ? Name() : Name(j.get<std::string>()); }

void to_json(json& j, const RoleSet& roles) { j = roles.roles(); }
void from_json(const json& j, RoleSet& roles) { roles = RoleSet(j.get<std::vector<Role>>()); }

// With defaults: states saved before segments existed still load.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Header, account, name, amount, currency, expected_close, owner, segments, opened_at)
// An answer is written in its criterion's place (the list of all criteria).
void to_json(json& j, const AnswerFact& a) { j = json{{"answer", a.answer}, {"at", a.at}, {"note", a.note}}; }
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactFact, id, name, title, roles, authority, stance, access, focus, active, since, left_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(InsightFact, topic, text, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CompetitorFact, name, strengths, weaknesses, strategy, ties, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Closing, outcome, loss_reason, lost_to, disqualified_why, at)

// Facts that name a contact hold its place in `contacts`; the document holds its id.
namespace {

json contact_id(const Facts& f, ContactIndex i) {
    const ContactFact* c = f.contact_at(i);
    return c ? json(c->id) : json(nullptr);
}

ContactIndex contact_index(const Facts& f, const json& id) {
    if (id.is_null()) return kNoContact;
    const auto i = f.contact_index(id.get<std::string>());
    if (!i) throw std::invalid_argument("saved opportunity is damaged: its facts name unknown contact " + id.dump());
    return *i;
}

template <class T, class Write>
json array_of(const std::vector<T>& facts, Write write) {
    json out = json::array();
    for (const auto& fact : facts) out.push_back(write(fact));
    return out;
}

}  // namespace

void to_json(json& j, const Facts& f) {
    json answers = json::array();
    for (std::size_t c = 0; c < size<Criterion>(); ++c) {
        const AnswerFact* a = f.answer_fact(static_cast<Criterion>(c));
        answers.push_back(a ? json(*a) : json(nullptr));
    }
    j = json{{"header", f.header},           {"answers", answers},
             {"contacts", f.contacts},       {"insights", f.insights},
             {"competitors", f.competitors}, {"no_competitor", f.no_competitor},
             {"criteria_aligned", f.criteria_aligned}, {"closing", f.closing}};
    j["signals"] = array_of(f.signals, [&](const SignalFact& s) {
        return json{{"kind", s.kind}, {"contact", contact_id(f, s.contact)}, {"at", s.at}, {"derived", s.derived}};
    });
    j["evidence"] = array_of(f.evidence, [&](const EvidenceFact& e) {
        return json{{"kind", e.kind},   {"contact", contact_id(f, e.contact)}, {"at", e.at},
                    {"valid", e.valid}, {"revoked_at", e.revoked_at},          {"revoked_by", e.revoked_by.str()}};
    });
    j["interactions"] = array_of(f.interactions, [&](const InteractionFact& i) {
        return json{{"channel", i.channel}, {"direction", i.direction}, {"volume", i.volume},
                    {"contact", contact_id(f, i.contact)}, {"at", i.at}};
    });
}

void from_json(const json& j, Facts& f) {
    j.at("header").get_to(f.header);
    const json& answers = j.at("answers");
    if (!answers.is_array() || answers.size() != size<Criterion>())
        throw std::invalid_argument("saved opportunity is damaged: its answers are not one per criterion");
    f.answers.clear();
    for (std::size_t c = 0; c < answers.size(); ++c)
        if (!answers[c].is_null())
            f.answers.push_back({static_cast<Criterion>(c), answers[c].at("answer").get<Answer>(),
                                 answers[c].at("at").get<Timestamp>(), answers[c].at("note").get<Text>()});
    j.at("contacts").get_to(f.contacts);  // first: the facts below name them
    j.at("insights").get_to(f.insights);
    j.at("competitors").get_to(f.competitors);
    j.at("no_competitor").get_to(f.no_competitor);
    j.at("criteria_aligned").get_to(f.criteria_aligned);
    j.at("closing").get_to(f.closing);
    f.signals.clear();
    for (const auto& s : j.at("signals"))
        f.signals.push_back({s.at("kind").get<SignalKind>(), contact_index(f, s.at("contact")),
                             s.at("at").get<Timestamp>(), s.at("derived").get<bool>()});
    f.evidence.clear();
    for (const auto& e : j.at("evidence"))
        f.evidence.push_back({e.at("kind").get<EvidenceKind>(), contact_index(f, e.at("contact")),
                              e.at("at").get<Timestamp>(), e.at("valid").get<bool>(),
                              e.at("revoked_at").get<Timestamp>(), e.at("revoked_by").get<std::string>()});
    f.interactions.clear();
    for (const auto& i : j.at("interactions"))
        f.interactions.push_back({i.at("channel").get<Channel>(), i.at("direction").get<Direction>(),
                                  i.at("volume").get<std::uint32_t>(), contact_index(f, i.at("contact")),
                                  i.at("at").get<Timestamp>()});
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Position, step, outcome)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RequirementRef, gate, index)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Record, event_id, at, type, verdict, before, after, buyer_before, buyer_after, unmet,
                                   late_entry, buyer_backward, reason)

namespace {
constexpr const char* kFormat = "pursuit.opportunity";
constexpr int kVersion = 1;
}  // namespace

json Opportunity::to_json() const {
    return json{{"format", kFormat},       {"version", kVersion},    {"id", id()},
                {"position", position()},  {"buyer_stage", buyer_stage()},
                {"facts", facts()},        {"history", json(std::vector<Record>(history().begin(), history().end()))}};
}

Opportunity Opportunity::from_json(const json& state, std::shared_ptr<const Playbook> playbook) {
    if (!state.is_object() || state.value("format", "") != kFormat)
        throw std::invalid_argument("not a saved pursuit opportunity");
    if (state.value("version", 0) != kVersion)
        throw std::invalid_argument("saved opportunity has version " + state.value("version", json()).dump() +
                                    "; this pursuit reads version " + std::to_string(kVersion));
    try {
        History history;
        for (const auto& r : state.at("history").get<std::vector<Record>>()) {
            for (const auto& ref : r.unmet)
                if (ref.index >= playbook->gate(ref.gate).size())
                    throw std::invalid_argument("its history refers to requirements this playbook does not have");
            history.push_back(r);
        }
        return restored(state.at("id").get<std::string>(), std::move(playbook), state.at("facts").get<Facts>(),
                        std::move(history), state.at("position").get<Position>(),
                        state.at("buyer_stage").get<BuyerStage>());
    } catch (const json::exception& err) {
        throw std::invalid_argument(std::string("saved opportunity is damaged: ") + err.what());
    }
}

}  // namespace pursuit
