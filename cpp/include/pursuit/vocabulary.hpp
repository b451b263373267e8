// The method's common language (通用语言): every id of DOMAIN.md as an enum,
// with its string id and its English and Chinese labels. The tables below are
// the single source: parsing, formatting, labels and the Python enums all read
// them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace pursuit {

enum class Lang : std::uint8_t { en, zh };

enum class Step : std::uint8_t { identification, qualification, tracking, monitoring, verification };
enum class Outcome : std::uint8_t { won, lost, disqualified };
enum class BuyerStage : std::uint8_t { need_awareness, need_definition, evaluation, final_approval, purchased };
enum class SignalKind : std::uint8_t {
    people_change, role_change, criteria_change, intent_change, process_change, implicit_need
};
enum class Criterion : std::uint8_t {
    funding, timing, business_driver, unique_value, relationship, decision_process
};
enum class Answer : std::uint8_t { yes, no, unknown };
enum class InsightTopic : std::uint8_t {
    industry, goals, problem, investment_reason, benefits, political_ecology
};
enum class EvidenceKind : std::uint8_t {
    key_person_access, time_commitment, resource_commitment, budget_commitment, trial, buyer_follows_plan
};
enum class Role : std::uint8_t {
    key_person, key_opinion_leader, stakeholder, communicator, sales_guide, competitor_tie
};
enum class Authority : std::uint8_t { low, medium, high };
enum class Stance : std::uint8_t { advocate, supporter, neutral, skeptic, opponent };
enum class LossReason : std::uint8_t { competitor, no_decision, budget, timing, fit, other };
enum class Channel : std::uint8_t { email, call, meeting, visit, message, demo };
enum class Direction : std::uint8_t { inbound, outbound, mutual };
// A gate is named by where it leads: the requirements to enter that step or outcome.
enum class Gate : std::uint8_t { qualification, tracking, monitoring, verification, won, lost, disqualified };
enum class RequirementKind : std::uint8_t {
    answer, signals, contacts, evidence, insights, competitor_assessed, buyer_stage, custom
};
// What applying an event did.
enum class Verdict : std::uint8_t { accepted, refused, fell_back, not_applicable, rejected };
// Assessment: risk flags, their severity, the connection level, forecast categories.
enum class RiskFlag : std::uint8_t {
    no_key_person_access, single_threaded, no_advocate, no_sales_guide, competitor_tie_authority,
    criteria_misaligned, behind_buyer, ahead_of_buyer, connection_cooling, stalled, unfunded, key_person_changed
};
enum class Severity : std::uint8_t { low, medium, high };
enum class ConnectionLevel : std::uint8_t { cold, warm, hot };
enum class ForecastCategory : std::uint8_t { pipeline, best_case, commit, closed, omitted };
// Order matches the alternatives of events::Body (event.hpp).
enum class EventType : std::uint8_t {
    open, signal, qualify, contact, contact_left, insight, competitor, evidence, evidence_revoked,
    interaction, buyer_stage, advance, win, lose, disqualify, reopen, note
};

template <class E>
struct Term {
    E value;
    std::string_view id, en, zh;
};

// Specialised once per enum: `kind` names the vocabulary in error messages,
// `type_name` is the Python class name, `terms` is in enumerator order.
template <class E>
struct Vocabulary;

template <>
struct Vocabulary<Lang> {
    static constexpr std::string_view kind = "language", type_name = "Lang";
    static constexpr std::array<Term<Lang>, 2> terms{{
        {Lang::en, "en", "English", "英文"},
        {Lang::zh, "zh", "Chinese", "中文"},
    }};
};

template <>
struct Vocabulary<Step> {
    static constexpr std::string_view kind = "step", type_name = "Step";
    static constexpr std::array<Term<Step>, 5> terms{{
        {Step::identification, "identification", "Identification", "识别"},
        {Step::qualification, "qualification", "Qualification", "界定"},
        {Step::tracking, "tracking", "Tracking", "跟踪"},
        {Step::monitoring, "monitoring", "Monitoring", "监控"},
        {Step::verification, "verification", "Verification", "验证"},
    }};
};

template <>
struct Vocabulary<Outcome> {
    static constexpr std::string_view kind = "outcome", type_name = "Outcome";
    static constexpr std::array<Term<Outcome>, 3> terms{{
        {Outcome::won, "won", "Won", "赢得"},
        {Outcome::lost, "lost", "Lost", "失去"},
        {Outcome::disqualified, "disqualified", "Disqualified", "放弃"},
    }};
};

template <>
struct Vocabulary<BuyerStage> {
    static constexpr std::string_view kind = "buyer stage", type_name = "BuyerStage";
    static constexpr std::array<Term<BuyerStage>, 5> terms{{
        {BuyerStage::need_awareness, "need_awareness", "Need awareness", "需求意识"},
        {BuyerStage::need_definition, "need_definition", "Need definition", "需求定义"},
        {BuyerStage::evaluation, "evaluation", "Evaluation", "选择评估"},
        {BuyerStage::final_approval, "final_approval", "Final approval", "最终认可"},
        {BuyerStage::purchased, "purchased", "Purchased", "已采购"},
    }};
};

template <>
struct Vocabulary<SignalKind> {
    static constexpr std::string_view kind = "signal kind", type_name = "SignalKind";
    static constexpr std::array<Term<SignalKind>, 6> terms{{
        {SignalKind::people_change, "people_change", "People change", "人员变化"},
        {SignalKind::role_change, "role_change", "Role change", "角色变化"},
        {SignalKind::criteria_change, "criteria_change", "Criteria change", "选择标准变化"},
        {SignalKind::intent_change, "intent_change", "Intent change", "采购意向变化"},
        {SignalKind::process_change, "process_change", "Process change", "决策程序变化"},
        {SignalKind::implicit_need, "implicit_need", "Implicit need", "隐含需求"},
    }};
};

template <>
struct Vocabulary<Criterion> {
    static constexpr std::string_view kind = "qualification criterion", type_name = "Criterion";
    static constexpr std::array<Term<Criterion>, 6> terms{{
        {Criterion::funding, "funding", "Funding", "资金到位"},
        {Criterion::timing, "timing", "Timing", "时间确定"},
        {Criterion::business_driver, "business_driver", "Business driver", "业务驱动因素"},
        {Criterion::unique_value, "unique_value", "Unique value", "独特价值"},
        {Criterion::relationship, "relationship", "Relationship", "业务关系"},
        {Criterion::decision_process, "decision_process", "Decision process", "决策程序"},
    }};
};

template <>
struct Vocabulary<Answer> {
    static constexpr std::string_view kind = "answer", type_name = "Answer";
    static constexpr std::array<Term<Answer>, 3> terms{{
        {Answer::yes, "yes", "Yes", "是"},
        {Answer::no, "no", "No", "否"},
        {Answer::unknown, "unknown", "Unknown", "未知"},
    }};
};

template <>
struct Vocabulary<InsightTopic> {
    static constexpr std::string_view kind = "insight topic", type_name = "InsightTopic";
    static constexpr std::array<Term<InsightTopic>, 6> terms{{
        {InsightTopic::industry, "industry", "Industry", "行业"},
        {InsightTopic::goals, "goals", "Goals", "企业目标"},
        {InsightTopic::problem, "problem", "Problem", "困扰的难题"},
        {InsightTopic::investment_reason, "investment_reason", "Investment reason", "投资理由"},
        {InsightTopic::benefits, "benefits", "Benefits", "好处和利益"},
        {InsightTopic::political_ecology, "political_ecology", "Political ecology", "政治生态"},
    }};
};

template <>
struct Vocabulary<EvidenceKind> {
    static constexpr std::string_view kind = "evidence kind", type_name = "EvidenceKind";
    static constexpr std::array<Term<EvidenceKind>, 6> terms{{
        {EvidenceKind::key_person_access, "key_person_access", "Key-person access", "接触关键人"},
        {EvidenceKind::time_commitment, "time_commitment", "Time commitment", "时间投入"},
        {EvidenceKind::resource_commitment, "resource_commitment", "Resource commitment", "资源投入"},
        {EvidenceKind::budget_commitment, "budget_commitment", "Budget commitment", "预算投入"},
        {EvidenceKind::trial, "trial", "Trial order or test", "试验性订货或测试"},
        {EvidenceKind::buyer_follows_plan, "buyer_follows_plan", "Buyer follows our plan", "客户遵循我方步骤"},
    }};
};

template <>
struct Vocabulary<Role> {
    static constexpr std::string_view kind = "contact role", type_name = "Role";
    static constexpr std::array<Term<Role>, 6> terms{{
        {Role::key_person, "key_person", "Key person", "关键人"},
        {Role::key_opinion_leader, "key_opinion_leader", "Key opinion leader", "关键意见领袖"},
        {Role::stakeholder, "stakeholder", "Stakeholder", "利益相关者"},
        {Role::communicator, "communicator", "Communicator", "合适沟通者"},
        {Role::sales_guide, "sales_guide", "Sales guide", "销售引导人"},
        {Role::competitor_tie, "competitor_tie", "Competitor tie", "竞争对手关联人"},
    }};
};

template <>
struct Vocabulary<Authority> {
    static constexpr std::string_view kind = "authority", type_name = "Authority";
    static constexpr std::array<Term<Authority>, 3> terms{{
        {Authority::low, "low", "Low", "低"},
        {Authority::medium, "medium", "Medium", "中"},
        {Authority::high, "high", "High", "高"},
    }};
};

template <>
struct Vocabulary<Stance> {
    static constexpr std::string_view kind = "stance", type_name = "Stance";
    static constexpr std::array<Term<Stance>, 5> terms{{
        {Stance::advocate, "advocate", "Advocate", "代言人"},
        {Stance::supporter, "supporter", "Supporter", "支持者"},
        {Stance::neutral, "neutral", "Neutral", "中立"},
        {Stance::skeptic, "skeptic", "Skeptic", "怀疑者"},
        {Stance::opponent, "opponent", "Opponent", "反对者"},
    }};
};

template <>
struct Vocabulary<LossReason> {
    static constexpr std::string_view kind = "loss reason", type_name = "LossReason";
    static constexpr std::array<Term<LossReason>, 6> terms{{
        {LossReason::competitor, "competitor", "Lost to a competitor", "输给竞争对手"},
        {LossReason::no_decision, "no_decision", "No decision", "未做决定"},
        {LossReason::budget, "budget", "Budget", "预算"},
        {LossReason::timing, "timing", "Timing", "时机"},
        {LossReason::fit, "fit", "Poor fit", "不匹配"},
        {LossReason::other, "other", "Other", "其他"},
    }};
};

template <>
struct Vocabulary<Channel> {
    static constexpr std::string_view kind = "interaction channel", type_name = "Channel";
    static constexpr std::array<Term<Channel>, 6> terms{{
        {Channel::email, "email", "Email", "邮件"},
        {Channel::call, "call", "Call", "电话"},
        {Channel::meeting, "meeting", "Meeting", "会议"},
        {Channel::visit, "visit", "Visit", "拜访"},
        {Channel::message, "message", "Message", "消息"},
        {Channel::demo, "demo", "Demo", "演示"},
    }};
};

template <>
struct Vocabulary<Direction> {
    static constexpr std::string_view kind = "interaction direction", type_name = "Direction";
    static constexpr std::array<Term<Direction>, 3> terms{{
        {Direction::inbound, "inbound", "Inbound", "客户发起"},
        {Direction::outbound, "outbound", "Outbound", "我方发起"},
        {Direction::mutual, "mutual", "Mutual", "双向"},
    }};
};

template <>
struct Vocabulary<Gate> {
    static constexpr std::string_view kind = "gate", type_name = "Gate";
    static constexpr std::array<Term<Gate>, 7> terms{{
        {Gate::qualification, "qualification", "Gate to qualification", "进入界定的关口"},
        {Gate::tracking, "tracking", "Gate to tracking", "进入跟踪的关口"},
        {Gate::monitoring, "monitoring", "Gate to monitoring", "进入监控的关口"},
        {Gate::verification, "verification", "Gate to verification", "进入验证的关口"},
        {Gate::won, "won", "Gate to won", "赢单关口"},
        {Gate::lost, "lost", "Gate to lost", "丢单关口"},
        {Gate::disqualified, "disqualified", "Gate to disqualified", "放弃关口"},
    }};
};

template <>
struct Vocabulary<RequirementKind> {
    static constexpr std::string_view kind = "requirement kind", type_name = "RequirementKind";
    static constexpr std::array<Term<RequirementKind>, 8> terms{{
        {RequirementKind::answer, "answer", "Qualification answer", "界定答案"},
        {RequirementKind::signals, "signals", "Warning signals", "警示信号"},
        {RequirementKind::contacts, "contacts", "Contacts", "联系人"},
        {RequirementKind::evidence, "evidence", "Evidence of progress", "进展证据"},
        {RequirementKind::insights, "insights", "Situation insights", "情况洞察"},
        {RequirementKind::competitor_assessed, "competitor_assessed", "Competition assessed", "竞争已评估"},
        {RequirementKind::buyer_stage, "buyer_stage", "Buyer stage", "购买阶段"},
        {RequirementKind::custom, "custom", "Custom check", "自定义检查"},
    }};
};

template <>
struct Vocabulary<Verdict> {
    static constexpr std::string_view kind = "verdict", type_name = "Verdict";
    static constexpr std::array<Term<Verdict>, 5> terms{{
        {Verdict::accepted, "accepted", "Accepted", "已接受"},
        {Verdict::refused, "refused", "Refused at the gate", "关口未通过"},
        {Verdict::fell_back, "fell_back", "Fell back", "已回退"},
        {Verdict::not_applicable, "not_applicable", "Not applicable in this state", "当前状态不适用"},
        {Verdict::rejected, "rejected", "Rejected as invalid", "无效已拒绝"},
    }};
};

template <>
struct Vocabulary<EventType> {
    static constexpr std::string_view kind = "event type", type_name = "EventType";
    static constexpr std::array<Term<EventType>, 17> terms{{
        {EventType::open, "open", "Open", "开启机会"},
        {EventType::signal, "signal", "Signal", "警示信号"},
        {EventType::qualify, "qualify", "Qualify", "界定判断"},
        {EventType::contact, "contact", "Contact", "联系人"},
        {EventType::contact_left, "contact_left", "Contact left", "联系人离开"},
        {EventType::insight, "insight", "Insight", "洞察"},
        {EventType::competitor, "competitor", "Competitor", "竞争对手"},
        {EventType::evidence, "evidence", "Evidence", "进展证据"},
        {EventType::evidence_revoked, "evidence_revoked", "Evidence revoked", "撤销证据"},
        {EventType::interaction, "interaction", "Interaction", "互动"},
        {EventType::buyer_stage, "buyer_stage", "Buyer stage", "购买阶段"},
        {EventType::advance, "advance", "Advance", "推进"},
        {EventType::win, "win", "Win", "赢单"},
        {EventType::lose, "lose", "Lose", "丢单"},
        {EventType::disqualify, "disqualify", "Disqualify", "放弃"},
        {EventType::reopen, "reopen", "Reopen", "重新打开"},
        {EventType::note, "note", "Note", "备注"},
    }};
};

template <>
struct Vocabulary<RiskFlag> {
    static constexpr std::string_view kind = "risk flag", type_name = "RiskFlag";
    static constexpr std::array<Term<RiskFlag>, 12> terms{{
        {RiskFlag::no_key_person_access, "no_key_person_access", "No access to a key person", "没有接触到关键人"},
        {RiskFlag::single_threaded, "single_threaded", "Single-threaded: one contact only", "单线联系：只有一位联系人"},
        {RiskFlag::no_advocate, "no_advocate", "No advocate", "没有代言人"},
        {RiskFlag::no_sales_guide, "no_sales_guide", "No sales guide", "没有销售引导人"},
        {RiskFlag::competitor_tie_authority, "competitor_tie_authority", "A contact tied to a competitor has high authority",
         "与竞争对手有关联的联系人权限很高"},
        {RiskFlag::criteria_misaligned, "criteria_misaligned", "Selection criteria misaligned after need definition",
         "需求定义后选择标准与我方不一致"},
        {RiskFlag::behind_buyer, "behind_buyer", "Our step is behind the buyer's stage", "我方步骤落后于客户购买阶段"},
        {RiskFlag::ahead_of_buyer, "ahead_of_buyer", "Our step is far ahead of the buyer's stage", "我方步骤远超客户购买阶段"},
        {RiskFlag::connection_cooling, "connection_cooling", "Connection cooling", "关联正在变冷"},
        {RiskFlag::stalled, "stalled", "Stalled", "停滞不前"},
        {RiskFlag::unfunded, "unfunded", "Unfunded", "没有资金"},
        {RiskFlag::key_person_changed, "key_person_changed", "A key person changed after qualification", "界定后关键人发生变动"},
    }};
};

template <>
struct Vocabulary<Severity> {
    static constexpr std::string_view kind = "severity", type_name = "Severity";
    static constexpr std::array<Term<Severity>, 3> terms{{
        {Severity::low, "low", "Low", "低"},
        {Severity::medium, "medium", "Medium", "中"},
        {Severity::high, "high", "High", "高"},
    }};
};

template <>
struct Vocabulary<ConnectionLevel> {
    static constexpr std::string_view kind = "connection level", type_name = "ConnectionLevel";
    static constexpr std::array<Term<ConnectionLevel>, 3> terms{{
        {ConnectionLevel::cold, "cold", "Cold", "冷"},
        {ConnectionLevel::warm, "warm", "Warm", "温"},
        {ConnectionLevel::hot, "hot", "Hot", "热"},
    }};
};

template <>
struct Vocabulary<ForecastCategory> {
    static constexpr std::string_view kind = "forecast category", type_name = "ForecastCategory";
    static constexpr std::array<Term<ForecastCategory>, 5> terms{{
        {ForecastCategory::pipeline, "pipeline", "Pipeline", "管道"},
        {ForecastCategory::best_case, "best_case", "Best case", "最佳情况"},
        {ForecastCategory::commit, "commit", "Commit", "承诺"},
        {ForecastCategory::closed, "closed", "Closed", "已成交"},
        {ForecastCategory::omitted, "omitted", "Omitted", "不计入"},
    }};
};

// Every vocabulary, for code that walks them all (Python enum generation, tests).
using AllVocabularies = std::tuple<Lang, Step, Outcome, BuyerStage, SignalKind, Criterion, Answer,
                                   InsightTopic, EvidenceKind, Role, Authority, Stance, LossReason,
                                   Channel, Direction, Gate, RequirementKind, Verdict, EventType, RiskFlag,
                                   Severity, ConnectionLevel, ForecastCategory>;

namespace detail {
template <class E>
constexpr bool in_enumerator_order() {
    const auto& terms = Vocabulary<E>::terms;
    for (std::size_t i = 0; i < terms.size(); ++i)
        if (static_cast<std::size_t>(terms[i].value) != i) return false;
    return true;
}
template <class... E>
constexpr bool all_in_order(std::tuple<E...>*) {
    return (in_enumerator_order<E>() && ...);
}
}  // namespace detail
static_assert(detail::all_in_order(static_cast<AllVocabularies*>(nullptr)),
              "vocabulary tables must list terms in enumerator order");

template <class E>
constexpr std::size_t size() {
    return Vocabulary<E>::terms.size();
}

template <class E>
constexpr const Term<E>& term(E value) {
    return Vocabulary<E>::terms[static_cast<std::size_t>(value)];
}

template <class E>
constexpr std::string_view to_id(E value) {
    return term(value).id;
}

template <class E>
constexpr std::string_view label(E value, Lang lang = Lang::en) {
    return lang == Lang::zh ? term(value).zh : term(value).en;
}

template <class E>
constexpr std::optional<E> parse_id(std::string_view id) {
    for (const auto& t : Vocabulary<E>::terms)
        if (t.id == id) return t.value;
    return std::nullopt;
}

// "a, b, c": the ids an error message offers as the valid choices.
template <class E>
std::string expected_ids() {
    std::string out;
    for (const auto& t : Vocabulary<E>::terms) {
        if (!out.empty()) out += ", ";
        out += t.id;
    }
    return out;
}

}  // namespace pursuit
