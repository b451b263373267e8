// The benchmark's event stream (lifecycle_stream.hpp): each opportunity's story
// written event by event, then all stories interleaved by time.
#include "lifecycle_stream.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>

#include "pursuit/time.hpp"
#include "pursuit/vocabulary.hpp"

namespace pursuit::bench {
namespace {

constexpr std::size_t kDefaultOpportunities = 100'000;
constexpr Timestamp kStreamStart = 1'704'067'200LL * kMicrosPerSecond;  // 2024-01-01T00:00:00Z

std::size_t opportunity_count() {
    static const std::size_t n = [] {
        const char* v = std::getenv("PURSUIT_BENCH_OPPORTUNITIES");
        const long long parsed = v ? std::atoll(v) : 0;
        return parsed > 0 ? static_cast<std::size_t>(parsed) : kDefaultOpportunities;
    }();
    return n;
}

enum class Ending { win, lose, disqualify, open };

// Writes one opportunity's story, event by event, at strictly increasing times.
class StoryWriter {
public:
    StoryWriter(std::mt19937& rng, std::vector<Event>& out, std::vector<std::size_t>& target, std::uint64_t& seq,
                std::size_t index, const std::string& opportunity)
        : rng_(rng), out_(out), target_(target), seq_(seq), index_(index), opp_(opportunity) {
        t_ = kStreamStart + uniform(0, 540) * kMicrosPerDay + uniform(0, 86'399) * kMicrosPerSecond;
        owner_ = "rep-" + std::to_string(uniform(1, 40));
    }

    void write() {
        const int draw = uniform(0, 99);
        const Ending ending = draw < 30 ? Ending::win : draw < 50 ? Ending::lose : draw < 65 ? Ending::disqualify
                                                                                            : Ending::open;
        int reach = 4;  // how many advances the story gets through
        if (ending == Ending::lose) reach = uniform(1, 4);
        if (ending == Ending::disqualify) reach = chance(70) ? 1 : 2;
        if (ending == Ending::open) reach = uniform(0, 4);

        identification();
        if (reach > 0) {
            advance();  // -> qualification
            qualification(ending == Ending::disqualify && reach == 1);
        }
        if (reach > 1) {
            advance();  // -> tracking
            tracking(ending == Ending::disqualify && reach == 2);
        }
        if (reach > 2) {
            advance();  // -> monitoring
            monitoring();
        }
        if (reach > 3) {
            advance();  // -> verification
            verification();
        }
        finish(ending);
    }

private:
    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(int percent) { return uniform(0, 99) < percent; }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& values) {
        return values[static_cast<std::size_t>(uniform(0, static_cast<int>(N) - 1))];
    }

    Event& emit(events::Body body) {
        t_ += uniform(30, 3 * 24 * 60) * 60 * kMicrosPerSecond;  // 30 minutes to 3 days later
        Event e;
        e.id = "e-" + std::to_string(seq_++);
        e.opportunity = opp_;
        e.at = t_;
        if (chance(85)) e.actor = owner_;
        e.body = std::move(body);
        out_.push_back(std::move(e));
        target_.push_back(index_);
        return out_.back();
    }

    Text some_active_contact() {
        if (active_.empty() || chance(30)) return std::nullopt;
        return active_[static_cast<std::size_t>(uniform(0, static_cast<int>(active_.size()) - 1))];
    }

    std::string contact(std::vector<Role> roles, Authority authority, Stance stance) {
        static const std::array<std::string, 8> names{"Wang Wei", "Li Na",      "Zhang Min", "Liu Yang",
                                                      "Chen Jie", "Zhao Lei",   "Huang Li",  "Zhou Tao"};
        static const std::array<std::string, 6> titles{"CIO", "CFO", "IT manager", "Purchasing", "COO", "Engineer"};
        events::Contact c;
        c.contact = "c-" + std::to_string(next_contact_++);
        c.name = pick(names);
        c.title = pick(titles);
        c.roles = std::move(roles);
        c.authority = authority;
        c.stance = stance;
        c.access = true;
        if (chance(40)) c.focus = std::vector<std::string>{"cost", "integration"};
        active_.push_back(c.contact);
        const std::string id = c.contact;
        emit(std::move(c));
        return id;
    }

    // Day-to-day traffic between the milestones: mostly interactions.
    void chatter(int lo, int hi) {
        static const std::array<std::string, 5> notes{"call went well", "sent the proposal",
                                                      "客户要求补充方案细节 / asked for details", "demo scheduled",
                                                      "waiting on legal"};
        for (int n = uniform(lo, hi); n > 0; --n) {
            const int kind = uniform(0, 99);
            if (kind < 84) {
                events::Interaction i;
                i.channel = static_cast<Channel>(uniform(0, static_cast<int>(size<Channel>()) - 1));
                i.direction = static_cast<Direction>(uniform(0, static_cast<int>(size<Direction>()) - 1));
                i.volume = static_cast<std::uint32_t>(chance(80) ? 1 : uniform(2, 5));
                i.contact = some_active_contact();
                Event& e = emit(std::move(i));
                if (chance(10)) e.note = pick(notes);
            } else if (kind < 92) {
                emit(events::Note{}).note = pick(notes);
            } else if (kind < 96) {
                emit(events::Signal{static_cast<SignalKind>(uniform(1, 4)), some_active_contact()});
            } else if (!active_.empty()) {
                // An upsert that refines what is known (focus issues), never the stance or roles.
                events::Contact c;
                c.contact = active_.front();
                c.focus = std::vector<std::string>{"security", "timeline"};
                emit(std::move(c));
            }
        }
    }

    void advance() { emit(events::Advance{}); }

    void identification() {
        events::Open o;
        o.account = "Account " + std::to_string(index_ % 9973);
        o.name = "ERP rollout " + std::to_string(index_);
        o.amount = 10'000.0 * uniform(5, 500);
        o.currency = std::string("CNY");
        o.expected_close = static_cast<Date>(t_ / kMicrosPerDay + uniform(60, 240));
        o.owner = owner_;
        emit(std::move(o));
        chatter(0, 2);
        emit(events::Signal{chance(50) ? SignalKind::implicit_need : SignalKind::intent_change, std::nullopt});
        if (chance(12)) advance();  // too early: no contact yet (refused)
        first_ = contact({Role::stakeholder}, Authority::medium, Stance::supporter);
        chatter(1, 3);
    }

    void qualification(bool unfunded) {
        auto qualify = [&](Criterion c, Answer a) {
            Event& e = emit(events::Qualify{c, a});
            if (chance(30)) e.note = std::string("confirmed in the kick-off meeting");
        };
        qualify(Criterion::funding, unfunded ? Answer::no : Answer::yes);
        qualify(Criterion::timing, Answer::yes);
        qualify(Criterion::business_driver, Answer::yes);
        if (chance(60)) qualify(Criterion::relationship, chance(50) ? Answer::yes : Answer::no);
        chatter(0, 2);
        qualify(Criterion::unique_value, Answer::yes);
        qualify(Criterion::decision_process, chance(80) ? Answer::yes : Answer::no);
        key_person_ = contact({Role::key_person, Role::key_opinion_leader}, Authority::high, Stance::neutral);
        chatter(0, 2);
        if (chance(15)) advance();  // too early: no key-person access yet (refused)
        emit(events::Evidence{EvidenceKind::key_person_access, key_person_});
        chatter(0, 1);
    }

    void tracking(bool unfunded_later) {
        emit(events::Insight{InsightTopic::goals, "cut month-end close from 10 to 3 days"});
        emit(events::Insight{InsightTopic::problem, "three ledgers reconciled by hand"});
        chatter(0, 2);
        emit(events::Insight{InsightTopic::investment_reason, "audit finding"});
        if (chance(50)) emit(events::Insight{InsightTopic::industry, "retail, 40 stores"});
        emit(events::Insight{InsightTopic::benefits, "fewer errors, faster reporting"});
        if (chance(30)) emit(events::Insight{InsightTopic::political_ecology, "CFO and CIO compete for budget"});
        if (unfunded_later) {
            // The budget was withdrawn: the tracking gate no longer holds (falls back), then disqualified.
            emit(events::Qualify{Criterion::funding, Answer::no});
            return;
        }
        contact({Role::communicator, Role::stakeholder}, Authority::medium, Stance::advocate);
        emit(events::BuyerStageChange{BuyerStage::need_definition, chance(90)});
        chatter(0, 2);
        if (chance(15)) advance();  // too early: no buyer commitment yet (refused)
        commitment_ = chance(60) ? EvidenceKind::time_commitment : EvidenceKind::resource_commitment;
        emit(events::Evidence{commitment_, chance(50) ? Text(key_person_) : std::nullopt});
        chatter(0, 1);
    }

    void monitoring() {
        if (chance(75)) {
            events::Competitor c;
            c.name = chance(50) ? "SAP" : "Kingdee";
            c.strengths = {"brand", "price"};
            c.weaknesses = {"slow delivery"};
            c.strategy = std::string("discount deep late in the deal");
            if (chance(30)) c.ties = {first_};
            emit(std::move(c));
        } else {
            events::Competitor c;
            c.none = true;
            emit(std::move(c));
        }
        if (chance(6)) {
            // The commitment is withdrawn: back to tracking until a new one arrives.
            emit(events::EvidenceRevoked{commitment_, std::nullopt});
            chatter(0, 2);
            emit(events::Evidence{EvidenceKind::resource_commitment, std::nullopt});
            advance();  // -> monitoring again
        }
        if (chance(50)) {
            events::Contact c;  // the first contact turns out to coach us
            c.contact = first_;
            c.roles = std::vector<Role>{Role::stakeholder, Role::sales_guide};
            emit(std::move(c));
        } else {
            contact({Role::sales_guide}, Authority::low, Stance::supporter);
        }
        emit(events::BuyerStageChange{BuyerStage::evaluation, std::nullopt});
        chatter(1, 3);
    }

    void verification() {
        if (chance(15)) {
            // The key person leaves: their access evidence goes with them and the
            // opportunity falls back to qualification; a successor is found.
            emit(events::ContactLeft{key_person_});
            active_.erase(std::find(active_.begin(), active_.end(), key_person_));
            chatter(0, 2);
            key_person_ = contact({Role::key_person}, Authority::high, Stance::neutral);
            emit(events::Evidence{EvidenceKind::key_person_access, key_person_});
            // Whatever the old key person had committed left with them: the successor re-commits.
            emit(events::Evidence{EvidenceKind::resource_commitment, key_person_});
            advance();  // -> tracking
            advance();  // -> monitoring
            advance();  // -> verification
        }
        emit(events::BuyerStageChange{BuyerStage::final_approval, std::nullopt});
        emit(events::Evidence{EvidenceKind::budget_commitment, key_person_});
        chatter(0, 2);
    }

    void finish(Ending ending) {
        switch (ending) {
            case Ending::win:
                if (chance(3)) advance();  // verification is the last step (not applicable)
                emit(events::Win{});
                if (chance(50)) emit(events::BuyerStageChange{BuyerStage::purchased, std::nullopt});
                chatter(0, 1);
                break;
            case Ending::lose: {
                const bool to_competitor = chance(50);
                emit(events::Lose{to_competitor ? LossReason::competitor
                                                : static_cast<LossReason>(uniform(1, 5)),
                                  to_competitor ? Text("SAP") : std::nullopt});
                if (chance(10)) {
                    emit(events::Reopen{});
                    chatter(1, 2);
                }
                break;
            }
            case Ending::disqualify: emit(events::Disqualify{"no budget this year"}); break;
            case Ending::open: chatter(0, 2); break;
        }
    }

    std::mt19937& rng_;
    std::vector<Event>& out_;
    std::vector<std::size_t>& target_;
    std::uint64_t& seq_;
    std::size_t index_;
    const std::string& opp_;
    Timestamp t_ = 0;
    std::string owner_;
    std::vector<std::string> active_;
    int next_contact_ = 1;
    std::string first_, key_person_;
    EvidenceKind commitment_ = EvidenceKind::time_commitment;
};

Stream build_stream() {
    Stream s;
    std::mt19937 rng(kSeed);
    std::vector<Event> events;
    std::vector<std::size_t> target;
    const std::size_t count = opportunity_count();
    events.reserve(count * 32);
    target.reserve(count * 32);
    std::uint64_t seq = 1;
    s.opportunity_ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "OPP-%06zu", i + 1);
        s.opportunity_ids.emplace_back(id);
    }
    for (std::size_t i = 0; i < count; ++i)
        StoryWriter(rng, events, target, seq, i, s.opportunity_ids[i]).write();

    // Interleave as a real stream: by time (stable, so each story keeps its order).
    std::vector<std::size_t> order(events.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return events[a].at < events[b].at; });
    s.events.reserve(events.size());
    s.target.reserve(events.size());
    for (std::size_t k : order) {
        s.events.push_back(std::move(events[k]));
        s.target.push_back(target[k]);
    }
    return s;
}

}  // namespace

const Stream& stream() {
    static const Stream s = build_stream();
    return s;
}

const Stream& grouped_stream() {
    static const Stream g = [] {
        const Stream& s = stream();
        std::vector<std::size_t> order(s.events.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return s.target[a] < s.target[b]; });
        Stream out;
        out.opportunity_ids = s.opportunity_ids;
        out.events.reserve(s.events.size());
        out.target.reserve(s.events.size());
        for (std::size_t k : order) {
            out.events.push_back(s.events[k]);
            out.target.push_back(s.target[k]);
        }
        return out;
    }();
    return g;
}

std::vector<Opportunity> fresh_opportunities(const Stream& s) {
    std::vector<Opportunity> opps;
    opps.reserve(s.opportunity_ids.size());
    for (const auto& id : s.opportunity_ids) opps.emplace_back(id);
    return opps;
}

}  // namespace pursuit::bench
