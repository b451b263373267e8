// Loading a playbook validates all of it: every error names the JSON Pointer
// of the offending value and what was expected there.
#include "pursuit/playbook.hpp"

#include <algorithm>

#include "playbook_reader.hpp"
#include "strict_json.hpp"
#include "text.hpp"

namespace pursuit {

using nlohmann::json;
using nlohmann::ordered_json;

PlaybookError::PlaybookError(std::string path, std::string reason)
    : std::runtime_error("playbook " + (path.empty() ? std::string("/") : path) + ": " + reason),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

namespace {

// Which parameters each requirement kind takes (beyond code, kind, text, action).
const std::vector<std::string_view>& parameters(RequirementKind kind) {
    static const std::array<std::vector<std::string_view>, size<RequirementKind>()> table{{
        {"criterion", "answers"},
        {"min", "signal_kinds"},
        {"min", "role", "min_authority", "stances", "access"},
        {"min", "evidence_kinds", "max_age_days"},
        {"topics"},
        {},
        {"min_stage"},
        {},
    }};
    return table[static_cast<std::size_t>(kind)];
}


Requirement read_requirement(const json& v, const Reader& r) {
    if (!v.is_object()) r.fail("", "expected a requirement object");
    Requirement q;
    q.kind = r.term<RequirementKind>(v, "kind");
    if (q.kind == RequirementKind::custom)
        r.fail("/kind", "custom requirements are added from code (Playbook.add_requirement), not from JSON");
    std::vector<std::string_view> allowed{"code", "kind", "text", "action"};
    for (auto p : parameters(q.kind)) allowed.push_back(p);
    r.object(v, allowed);
    q.code = r.text(v, "code");
    if (!std::all_of(q.code.begin(), q.code.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }))
        r.fail("/code", "expected lower-case letters, digits and _, got " + quote(q.code));
    q.text = r.bilingual(v, "text");
    q.action = r.bilingual(v, "action");
    auto has = [&](const char* key) { return v.contains(key); };
    switch (q.kind) {
        case RequirementKind::answer:
            q.criterion = r.term<Criterion>(v, "criterion");
            q.answers = r.terms<Answer>(v, "answers");
            break;
        case RequirementKind::signals:
            if (has("signal_kinds")) q.signal_kinds = r.terms<SignalKind>(v, "signal_kinds");
            break;
        case RequirementKind::contacts:
            if (has("role")) q.role = r.term<Role>(v, "role");
            if (has("min_authority")) q.min_authority = r.term<Authority>(v, "min_authority");
            if (has("stances")) q.stances = r.terms<Stance>(v, "stances");
            if (has("access")) {
                if (!v.at("access").is_boolean()) r.fail("/access", "expected true or false");
                q.access = v.at("access").get<bool>();
            }
            break;
        case RequirementKind::evidence:
            q.evidence_kinds = r.terms<EvidenceKind>(v, "evidence_kinds");
            if (has("max_age_days")) q.max_age_days = r.count(v, "max_age_days", 1);
            break;
        case RequirementKind::insights: q.topics = r.terms<InsightTopic>(v, "topics"); break;
        case RequirementKind::buyer_stage: q.min_stage = r.term<BuyerStage>(v, "min_stage"); break;
        case RequirementKind::competitor_assessed:
        case RequirementKind::custom: break;
    }
    if (has("min")) q.min = r.count(v, "min", 1);
    return q;
}

template <class E>
ordered_json ids(const std::vector<E>& values) {
    ordered_json out = ordered_json::array();
    for (E e : values) out.push_back(to_id(e));
    return out;
}

}  // namespace

Playbook Playbook::from_json(const json& doc) {
    Playbook p;
    const Reader top("");
    top.object(doc, {"name", "gates", "assessment"});
    if (doc.contains("name")) p.name_ = top.text(doc, "name");
    if (doc.contains("assessment")) p.assessment_ = read_assessment(doc.at("assessment"), Reader("/assessment"));
    const json& gates = top.required(doc, "gates");
    const Reader rg("/gates");
    if (!gates.is_object()) rg.fail("", "expected an object keyed by gate");
    for (const auto& item : gates.items()) {
        const auto gate = parse_id<Gate>(item.key());
        if (!gate) rg.fail("/" + Reader::escape(item.key()), "unknown gate; expected one of " + expected_ids<Gate>());
        const Reader r("/gates/" + item.key());
        if (!item.value().is_array()) r.fail("", "expected an array of requirements");
        auto& list = p.gates_[static_cast<std::size_t>(*gate)];
        for (std::size_t i = 0; i < item.value().size(); ++i) {
            Requirement q = read_requirement(item.value()[i], Reader(r.path() + "/" + std::to_string(i)));
            for (const auto& other : list)
                if (other.code == q.code)
                    r.fail("/" + std::to_string(i) + "/code", "duplicate code " + quote(q.code) + " in this gate");
            list.push_back(std::move(q));
        }
    }
    return p;
}

Playbook Playbook::parse(std::string_view text) {
    json doc;
    try {
        doc = parse_strict_json(text, 64);
    } catch (const StrictJsonError& err) {
        throw PlaybookError(err.pointer(), err.reason);
    }
    return from_json(doc);
}

ordered_json Playbook::to_json() const {
    ordered_json doc;
    doc["name"] = name_;
    ordered_json gates = ordered_json::object();
    for (std::size_t g = 0; g < gates_.size(); ++g) {
        ordered_json list = ordered_json::array();
        for (const auto& q : gates_[g]) {
            if (q.kind == RequirementKind::custom) continue;
            ordered_json j;
            j["code"] = q.code;
            j["kind"] = to_id(q.kind);
            if (q.criterion) j["criterion"] = to_id(*q.criterion);
            if (!q.answers.empty()) j["answers"] = ids(q.answers);
            if (!q.signal_kinds.empty()) j["signal_kinds"] = ids(q.signal_kinds);
            if (q.role) j["role"] = to_id(*q.role);
            if (q.min_authority) j["min_authority"] = to_id(*q.min_authority);
            if (!q.stances.empty()) j["stances"] = ids(q.stances);
            if (q.access) j["access"] = *q.access;
            if (!q.evidence_kinds.empty()) j["evidence_kinds"] = ids(q.evidence_kinds);
            if (q.max_age_days) j["max_age_days"] = *q.max_age_days;
            if (!q.topics.empty()) j["topics"] = ids(q.topics);
            if (q.min_stage) j["min_stage"] = to_id(*q.min_stage);
            if (q.min != 1) j["min"] = q.min;
            j["text"] = {{"en", q.text.en}, {"zh", q.text.zh}};
            j["action"] = {{"en", q.action.en}, {"zh", q.action.zh}};
            list.push_back(std::move(j));
        }
        gates[std::string(to_id(static_cast<Gate>(g)))] = std::move(list);
    }
    doc["gates"] = std::move(gates);
    doc["assessment"] = write_assessment(assessment_);
    return doc;
}

void Playbook::add_custom(Gate g, std::string code, Bilingual text, Bilingual action, CustomCheck check) {
    const std::string path = "/gates/" + std::string(to_id(g));
    if (code.empty()) throw PlaybookError(path, "a custom requirement needs a code");
    if (text.en.empty() || text.zh.empty() || action.en.empty() || action.zh.empty())
        throw PlaybookError(path, "custom requirement " + quote(code) + " needs English and Chinese text and action");
    if (!check) throw PlaybookError(path, "custom requirement " + quote(code) + " needs a check");
    auto& list = gates_[static_cast<std::size_t>(g)];
    for (const auto& q : list)
        if (q.code == code) throw PlaybookError(path, "duplicate code " + quote(code) + " in this gate");
    Requirement q;
    q.code = std::move(code);
    q.kind = RequirementKind::custom;
    q.text = std::move(text);
    q.action = std::move(action);
    q.check = std::move(check);
    list.push_back(std::move(q));
    has_custom_ = true;
}

}  // namespace pursuit
