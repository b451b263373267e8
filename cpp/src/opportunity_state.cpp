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

void to_json(json& j, const RoleSet& roles) { j = roles.roles(); }
void from_json(const json& j, RoleSet& roles) { roles = RoleSet(j.get<std::vector<Role>>()); }

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Header, account, name, amount, currency, expected_close, owner, opened_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SignalFact, kind, contact, at, derived)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AnswerFact, answer, at, note)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactFact, id, name, title, roles, authority, stance, access, focus, active, since, left_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(InsightFact, topic, text, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CompetitorFact, name, strengths, weaknesses, strategy, ties, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EvidenceFact, kind, contact, at, valid, revoked_at, revoked_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(InteractionFact, channel, direction, volume, contact, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Closing, outcome, loss_reason, lost_to, disqualified_why, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Facts, header, signals, answers, contacts, insights, competitors, no_competitor,
                                   evidence, interactions, criteria_aligned, closing)
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
