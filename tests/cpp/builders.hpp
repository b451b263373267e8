// Terse event builders for the engine's tests: each call makes the next event
// of one opportunity, a day after the previous one.
#pragma once

#include <string>
#include <vector>

#include "pursuit/opportunity.hpp"

namespace pursuit::test {

class Story {
public:
    explicit Story(std::string opportunity = "OPP-1") : opp_(std::move(opportunity)) {}

    Event make(events::Body body) {
        Event e;
        e.id = opp_ + "/e-" + std::to_string(++n_);
        e.opportunity = opp_;
        e.at = (t_ += kMicrosPerDay);
        e.body = std::move(body);
        return e;
    }
    Timestamp now() const { return t_; }
    void skip_days(int days) { t_ += days * kMicrosPerDay; }

    Event open() { return make(events::Open{"Acme", "Deal", 1000.0, std::string("CNY"), std::nullopt, std::nullopt, {}}); }
    Event signal(SignalKind k = SignalKind::implicit_need) { return make(events::Signal{k, std::nullopt}); }
    Event qualify(Criterion c, Answer a = Answer::yes) { return make(events::Qualify{c, a}); }
    Event contact(const std::string& id, std::vector<Role> roles = {}, std::optional<Authority> authority = {},
                  std::optional<Stance> stance = {}, std::optional<bool> access = {}) {
        events::Contact c;
        c.contact = id;
        c.roles = std::move(roles);
        c.authority = authority;
        c.stance = stance;
        c.access = access;
        return make(c);
    }
    Event stance(const std::string& id, Stance s) {
        events::Contact c;
        c.contact = id;
        c.stance = s;
        return make(c);
    }
    Event left(const std::string& id) { return make(events::ContactLeft{id}); }
    Event insight(InsightTopic t) { return make(events::Insight{t, "what we learned"}); }
    Event competitor(const std::string& name) {
        events::Competitor c;
        c.name = name;
        return make(c);
    }
    Event no_competitor() {
        events::Competitor c;
        c.none = true;
        return make(c);
    }
    Event evidence(EvidenceKind k, std::optional<std::string> contact = {}) {
        return make(events::Evidence{k, std::move(contact)});
    }
    Event revoke(EvidenceKind k, std::optional<std::string> contact = {}) {
        return make(events::EvidenceRevoked{k, std::move(contact)});
    }
    Event interaction() { return make(events::Interaction{Channel::call, Direction::mutual, 1, std::nullopt}); }
    Event buyer(BuyerStage s, std::optional<bool> aligned = {}) { return make(events::BuyerStageChange{s, aligned}); }
    Event advance() { return make(events::Advance{}); }
    Event win() { return make(events::Win{}); }
    Event lose(LossReason r = LossReason::competitor) { return make(events::Lose{r, std::nullopt}); }
    Event disqualify() { return make(events::Disqualify{"not worth it"}); }
    Event reopen() { return make(events::Reopen{}); }
    Event note() {
        Event e = make(events::Note{});
        e.note = "a note";
        return e;
    }

    // The evidence each default gate needs, as events.
    std::vector<Event> evidence_for(Gate g) {
        switch (g) {
            case Gate::qualification: return {signal(), contact("c-1")};
            case Gate::tracking:
                return {qualify(Criterion::funding), qualify(Criterion::timing), qualify(Criterion::unique_value),
                        qualify(Criterion::business_driver), qualify(Criterion::decision_process, Answer::no),
                        contact("c-kp", {Role::key_person}, Authority::high, Stance::supporter, true),
                        evidence(EvidenceKind::key_person_access, "c-kp")};
            case Gate::monitoring:
                return {insight(InsightTopic::goals), insight(InsightTopic::problem),
                        insight(InsightTopic::investment_reason), insight(InsightTopic::benefits),
                        contact("c-adv", {Role::stakeholder}, Authority::medium, Stance::advocate),
                        evidence(EvidenceKind::time_commitment)};
            case Gate::verification:
                return {competitor("Kestrel"), contact("c-guide", {Role::sales_guide}),
                        contact("c-comm", {Role::communicator}), buyer(BuyerStage::evaluation)};
            case Gate::won: return {buyer(BuyerStage::final_approval), evidence(EvidenceKind::budget_commitment)};
            default: return {};
        }
    }

private:
    std::string opp_;
    Timestamp t_ = 1'767'225'600LL * kMicrosPerSecond;  // 2026-01-01
    int n_ = 0;
};

// Applies events, requiring each to be accepted; returns the last record.
inline Record apply_all(Opportunity& opp, const std::vector<Event>& events) {
    Record last;
    for (const auto& e : events) {
        last = opp.apply(e);
        if (last.verdict != Verdict::accepted)
            throw std::runtime_error("event " + e.id + " not accepted: " + std::string(to_id(last.verdict)) + " " + last.reason);
    }
    return last;
}

// An opened opportunity brought to `step` with the default gates' evidence.
inline void reach(Opportunity& opp, Story& s, Step step) {
    apply_all(opp, {s.open()});
    for (Gate g : gates_through(step)) {
        apply_all(opp, s.evidence_for(g));
        apply_all(opp, {s.advance()});
    }
}

inline std::vector<std::string> codes(const Opportunity& opp, const std::vector<RequirementRef>& refs) {
    std::vector<std::string> out;
    for (auto r : refs) out.push_back(opp.requirement(r).code);
    return out;
}

}  // namespace pursuit::test
