// The canonical JSON form of an event: common fields first, then the type's
// fields in catalogue order; optional fields only when given.
#include <fstream>
#include <istream>
#include <unordered_map>

#include "pursuit/json.hpp"

namespace pursuit {

using nlohmann::ordered_json;

namespace {

template <class T>
void put(ordered_json& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}

template <class E>
ordered_json ids(const std::vector<E>& values) {
    auto out = ordered_json::array();
    for (E v : values) out.push_back(to_id(v));
    return out;
}

struct BodyWriter {
    ordered_json& j;

    void operator()(const events::Open& b) const {
        j["account"] = b.account;
        j["name"] = b.name;
        put(j, "amount", b.amount);
        put(j, "currency", b.currency);
        if (b.expected_close) j["expected_close"] = format_date(*b.expected_close);
        put(j, "owner", b.owner);
    }
    void operator()(const events::Signal& b) const {
        j["kind"] = to_id(b.kind);
        put(j, "contact", b.contact);
    }
    void operator()(const events::Qualify& b) const {
        j["criterion"] = to_id(b.criterion);
        j["answer"] = to_id(b.answer);
    }
    void operator()(const events::Contact& b) const {
        j["contact"] = b.contact;
        put(j, "name", b.name);
        put(j, "title", b.title);
        if (b.roles) j["roles"] = ids(*b.roles);
        if (b.authority) j["authority"] = to_id(*b.authority);
        if (b.stance) j["stance"] = to_id(*b.stance);
        put(j, "access", b.access);
        put(j, "focus", b.focus);
    }
    void operator()(const events::ContactLeft& b) const { j["contact"] = b.contact; }
    void operator()(const events::Insight& b) const {
        j["topic"] = to_id(b.topic);
        j["text"] = b.text;
    }
    void operator()(const events::Competitor& b) const {
        if (b.none) {
            j["none"] = true;
            return;
        }
        j["name"] = b.name;
        if (!b.strengths.empty()) j["strengths"] = b.strengths;
        if (!b.weaknesses.empty()) j["weaknesses"] = b.weaknesses;
        put(j, "strategy", b.strategy);
        if (!b.ties.empty()) j["ties"] = b.ties;
    }
    void operator()(const events::Evidence& b) const {
        j["kind"] = to_id(b.kind);
        put(j, "contact", b.contact);
    }
    void operator()(const events::EvidenceRevoked& b) const {
        j["kind"] = to_id(b.kind);
        put(j, "contact", b.contact);
    }
    void operator()(const events::Interaction& b) const {
        j["channel"] = to_id(b.channel);
        j["direction"] = to_id(b.direction);
        if (b.volume != 1) j["volume"] = b.volume;
        put(j, "contact", b.contact);
    }
    void operator()(const events::BuyerStageChange& b) const {
        j["stage"] = to_id(b.stage);
        put(j, "criteria_aligned", b.criteria_aligned);
    }
    void operator()(const events::Lose& b) const {
        j["reason"] = to_id(b.reason);
        put(j, "competitor", b.competitor);
    }
    void operator()(const events::Disqualify& b) const { j["reason"] = b.reason; }
    // advance, win, reopen and note carry no fields of their own.
    template <class Empty>
    void operator()(const Empty&) const {}
};

}  // namespace

ordered_json to_json(const Event& e) {
    ordered_json j;
    j["id"] = e.id;
    j["opportunity"] = e.opportunity;
    j["at"] = format_timestamp(e.at);
    j["type"] = to_id(e.type());
    put(j, "actor", e.actor);
    std::visit(BodyWriter{j}, e.body);
    put(j, "note", e.note);
    return j;
}

std::string to_json_line(const Event& e) { return to_json(e).dump(); }

JsonlResult read_jsonl(std::istream& in, OnError on_error) {
    JsonlResult result;
    std::unordered_map<std::string, std::size_t> first_line;  // event id -> line
    std::string line;
    auto report = [&](EventError err) {
        if (on_error == OnError::raise) throw err;
        result.errors.push_back(std::move(err));
    };
    while (std::getline(in, line)) {
        const std::size_t n = ++result.lines;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte-order mark
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        try {
            Event e = parse_event(line, n);
            const auto [it, inserted] = first_line.emplace(e.id, n);
            if (!inserted) {
                report(EventError(e.id, n, "id", "duplicate event id (first on line " + std::to_string(it->second) + ")"));
                continue;
            }
            result.events.push_back(std::move(e));
        } catch (EventError& err) {
            report(std::move(err));
        }
    }
    if (in.bad()) throw std::runtime_error("read error");
    return result;
}

JsonlResult read_jsonl_file(const std::string& path, OnError on_error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return read_jsonl(in, on_error);
}

}  // namespace pursuit
