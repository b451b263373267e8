// Indicators, risk flags, guidance and win-model features: see assessment.hpp.
#include "pursuit/assessment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>

namespace pursuit {
namespace {

double days(Timestamp from, Timestamp to) { return static_cast<double>(to - from) / static_cast<double>(kMicrosPerDay); }

std::string num(double v) {  // one decimal; to_chars: printf was a tenth of the time
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    return std::string(buf, r.ptr);
}

Connection connection(const Facts& f, Timestamp as_of, const AssessmentRules& rules) {
    Connection c;
    const Timestamp window = static_cast<Timestamp>(rules.window_days) * kMicrosPerDay;
    Timestamp last = INT64_MIN;
    for (const auto& i : f.interactions) {
        if (i.at > as_of) continue;
        (i.direction == Direction::inbound ? c.inbound : i.direction == Direction::outbound ? c.outbound : c.mutual) += i.volume;
        if (i.at > as_of - window) c.recent += i.volume;
        else if (i.at > as_of - 2 * window) c.previous += i.volume;
        last = std::max(last, i.at);
    }
    if (last != INT64_MIN) c.days_since_last = days(last, as_of);
    // Never talked: silence counts from the day it was opened.
    const double silence = last != INT64_MIN ? c.days_since_last : days(f.header.opened_at, as_of);
    // Hot needs both sides talking: a one-way stream of our emails is not a connection.
    const bool both_ways = c.mutual > 0 || (c.inbound > 0 && c.outbound > 0);
    c.level = c.recent >= rules.hot_volume && both_ways ? ConnectionLevel::hot
              : c.recent >= rules.warm_volume            ? ConnectionLevel::warm
                                                         : ConnectionLevel::cold;
    c.cooling = (silence > rules.cooling_days) ||
                (c.previous > 0 && static_cast<double>(c.recent) < rules.cooling_drop * static_cast<double>(c.previous));
    return c;
}

template <class T>
void add_unique(std::vector<T>& v, T x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

bool holds(const Progress& p, EvidenceKind k) { return p.held.contains(k); }

Progress progress(const Opportunity& o, const Position& pos) {
    Progress p;
    const Facts& f = o.facts();
    // One pass over the evidence (as Facts::valid_evidence judges it, for every kind at once).
    for (const auto& e : f.evidence) {
        if (!e.valid || p.held.contains(e.kind)) continue;
        if (e.contact != kNoContact && !f.contacts[e.contact].active) continue;  // evidence leaves with its bearer
        p.held.add(e.kind);
    }
    if (pos.outcome) return p;
    for (Gate g : gates_ahead(pos.step))
        for (const auto& q : o.playbook().gate(g))
            if (q.kind == RequirementKind::evidence)
                for (EvidenceKind k : q.evidence_kinds) p.needed.add(k);
    p.missing = p.needed.without(p.held);
    return p;
}

// The same fact satisfies both: equal kind and parameters (codes and texts aside).
bool twins(const Requirement& a, const Requirement& b) {
    return a.kind == b.kind && a.kind != RequirementKind::custom && a.criterion == b.criterion && a.answers == b.answers &&
           a.signal_kinds == b.signal_kinds && a.role == b.role && a.min_authority == b.min_authority &&
           a.stances == b.stances && a.access == b.access && a.evidence_kinds == b.evidence_kinds &&
           a.topics == b.topics && a.min_stage == b.min_stage;
}

std::vector<Guidance> guidance(const Opportunity& o, Step step) {
    std::vector<Guidance> out;
    const auto report = o.requirements();
    if (!report) return out;
    const auto ahead = gates_ahead(step);
    for (const auto& item : report->items) {
        if (item.met) continue;
        const Requirement& q = o.requirement(item.ref);
        Guidance g{item.ref, 0, item.have, item.need};
        for (Gate gate : ahead)
            for (const auto& other : o.playbook().gate(gate)) g.unblocks += (&other == &q) || twins(other, q);
        out.push_back(g);
    }
    // Most unblocking first; then the nearest to done; then the playbook's order.
    std::stable_sort(out.begin(), out.end(), [](const Guidance& a, const Guidance& b) {
        if (a.unblocks != b.unblocks) return a.unblocks > b.unblocks;
        return (a.need - std::min(a.have, a.need)) < (b.need - std::min(b.have, b.need));
    });
    return out;
}

// When the opportunity first reached `step` (0 if it never did).
Timestamp reached_at(const Opportunity& o, Step step) {
    for (const auto& r : o.history())
        if (r.after.step >= step) return r.at;
    return 0;
}

void flags(const Opportunity& o, Assessment& a, Step step, BuyerStage buyer_stage) {
    const Facts& f = o.facts();
    const auto& rules = o.playbook().assessment();
    auto raise = [&](RiskFlag code, std::vector<std::pair<std::string, std::string>> facts) {
        a.flags.push_back({code, rules.severity[static_cast<std::size_t>(code)], std::move(facts)});
    };
    std::uint32_t active = 0, key_people = 0, reachable_key = 0, advocates = 0, guides = 0;
    std::vector<std::string> tied_with_authority;
    for (const auto& c : f.contacts) {
        if (!c.active) continue;
        ++active;
        const bool key = c.roles.has(Role::key_person);
        key_people += key;
        reachable_key += key && c.access;
        advocates += c.stance == Stance::advocate;
        guides += c.roles.has(Role::sales_guide);
        bool tied = c.roles.has(Role::competitor_tie);
        for (const auto& comp : f.competitors)
            tied = tied || std::find(comp.ties.begin(), comp.ties.end(), c.id) != comp.ties.end();
        if (tied && c.authority == Authority::high) tied_with_authority.push_back(c.id);
    }
    if (step >= Step::qualification && !holds(a.progress, EvidenceKind::key_person_access) && reachable_key == 0)
        raise(RiskFlag::no_key_person_access, {{"key_people", std::to_string(key_people)}, {"key_person_access_evidence", "0"}});
    if (step >= Step::qualification && active == 1) raise(RiskFlag::single_threaded, {{"active_contacts", "1"}});
    if (step >= Step::tracking && advocates == 0) raise(RiskFlag::no_advocate, {{"advocates", "0"}});
    if (step >= Step::monitoring && guides == 0) raise(RiskFlag::no_sales_guide, {{"sales_guides", "0"}});
    for (const auto& id : tied_with_authority) raise(RiskFlag::competitor_tie_authority, {{"contact", id}, {"authority", "high"}});
    if (buyer_stage > BuyerStage::need_definition && f.criteria_aligned == false)
        raise(RiskFlag::criteria_misaligned, {{"buyer_stage", std::string(to_id(buyer_stage))}, {"criteria_aligned", "false"}});
    const Coupling& k = a.coupling;
    const std::pair<std::string, std::string> our_step{"step", std::string(to_id(step))}, buyer{"buyer_stage", std::string(to_id(k.buyer))};
    if (k.behind) raise(RiskFlag::behind_buyer, {our_step, buyer, {"latest_in_step", std::string(to_id(k.latest))}});
    if (k.ahead) raise(RiskFlag::ahead_of_buyer, {our_step, buyer, {"earliest_in_step", std::string(to_id(k.earliest))}});
    const Connection& c = a.connection;
    if (c.cooling)
        raise(RiskFlag::connection_cooling, {{"days_since_last", c.days_since_last < 0 ? "none" : num(c.days_since_last)},
                                             {"recent_volume", std::to_string(c.recent)}, {"previous_volume", std::to_string(c.previous)}});
    const double since_progress = a.days_since_evidence >= 0 ? a.days_since_evidence : days(f.header.opened_at, a.as_of);
    if (since_progress > rules.stalled_evidence_days || a.days_in_step > rules.stalled_step_days)
        raise(RiskFlag::stalled, {{"days_since_evidence", a.days_since_evidence < 0 ? "none" : num(a.days_since_evidence)},
                                  {"days_in_step", num(a.days_in_step)}});
    if (f.answer(Criterion::funding) == Answer::no) raise(RiskFlag::unfunded, {{"funding", "no"}});
    Timestamp qualified = -1;  // looked up in the history only when a key person has left
    for (const auto& ct : f.contacts) {
        if (!ct.roles.has(Role::key_person) || ct.active) continue;
        if (qualified < 0) qualified = reached_at(o, Step::qualification);
        if (qualified > 0 && ct.left_at >= qualified)
            raise(RiskFlag::key_person_changed, {{"contact", ct.id}, {"left_at", format_timestamp(ct.left_at)}});
    }
}

ForecastCategory category(const Assessment& a, const Position& pos, BuyerStage buyer) {
    if (pos.outcome) return pos.outcome == Outcome::won ? ForecastCategory::closed : ForecastCategory::omitted;
    for (const auto& fl : a.flags)
        if (fl.code == RiskFlag::unfunded || fl.code == RiskFlag::criteria_misaligned) return ForecastCategory::omitted;
    const bool budget = holds(a.progress, EvidenceKind::budget_commitment);
    if (pos.step == Step::verification && (budget || buyer >= BuyerStage::final_approval)) return ForecastCategory::commit;
    if (pos.step >= Step::monitoring) return ForecastCategory::best_case;
    return ForecastCategory::pipeline;
}

}  // namespace

Assessment assess(const Opportunity& o, Timestamp as_of) {
    Assessment a;
    a.flags.reserve(4);
    const Facts& f = o.facts();
    const Position pos = o.position();  // asked once: it reads the machine
    const BuyerStage buyer = o.buyer_stage();
    // A closed opportunity is judged as it stood when it closed.
    if (pos.outcome && f.closing) as_of = std::min(as_of, f.closing->at);
    a.as_of = as_of;
    const auto& rules = o.playbook().assessment();
    a.connection = connection(f, as_of, rules);
    a.progress = progress(o, pos);
    // The latest move at or before as_of: scanned from the end, it is usually near.
    Timestamp since = f.header.opened_at;
    const auto& history = o.history();
    for (std::size_t i = history.size(); i-- > 0;)
        if (history.moved(i) && history.at(i) <= as_of) {
            since = history.at(i);
            break;
        }
    a.days_in_step = std::max(0.0, days(since, as_of));
    Timestamp evidence_at = INT64_MIN;
    for (const auto& e : f.evidence) evidence_at = std::max(evidence_at, e.at);
    if (evidence_at != INT64_MIN) a.days_since_evidence = std::max(0.0, days(evidence_at, as_of));
    const auto& range = rules.in_step[static_cast<std::size_t>(pos.step)];
    a.coupling = {buyer, range[0], range[1], buyer > range[1], buyer < range[0]};
    flags(o, a, pos.step, buyer);
    if (pos.outcome) {
        a.stage_prior = pos.outcome == Outcome::won ? 1.0 : 0.0;
    } else {
        a.stage_prior = rules.stage_priors[static_cast<std::size_t>(pos.step)];
        a.guidance = guidance(o, pos.step);
    }
    a.category = category(a, pos, buyer);
    return a;
}

std::vector<std::string> win_features(const Opportunity& o, const Assessment& a, bool for_fitting) {
    std::vector<std::string> out;
    const auto step = static_cast<std::size_t>(o.step()), buyer = static_cast<std::size_t>(o.buyer_stage());
    for (std::size_t s = for_fitting ? 0 : step; s <= step; ++s)
        out.push_back("reached:" + std::string(to_id(static_cast<Step>(s))));
    for (std::size_t b = for_fitting ? 0 : buyer; b <= buyer; ++b)
        out.push_back("buyer:" + std::string(to_id(static_cast<BuyerStage>(b))));
    for (EvidenceKind k : a.progress.held.kinds()) out.push_back("evidence:" + std::string(to_id(k)));
    std::vector<Role> roles;
    for (const auto& c : o.facts().contacts)
        if (c.active)
            for (Role r : c.roles.roles()) add_unique(roles, r);
    std::sort(roles.begin(), roles.end());
    for (Role r : roles) out.push_back("role:" + std::string(to_id(r)));
    for (const auto& fl : a.flags) add_unique(out, "flag:" + std::string(to_id(fl.code)));
    if (o.facts().header.owner) out.push_back("owner=" + *o.facts().header.owner);
    for (const auto& [key, value] : o.facts().header.segments) out.push_back("segment:" + key + "=" + value);
    return out;
}

}  // namespace pursuit
