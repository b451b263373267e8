// Throughput of the C++ lifecycle engine: a realistic, mixed event stream over
// 100,000 opportunities replayed through pursuit::Opportunity::apply.
//
// The stream is built once, in memory, before any timing (seeded std::mt19937,
// so every run replays the same events). Each opportunity gets a story of
// ~20-40 events that follows DOMAIN.md's default gates: open, warning signals,
// contacts, qualification answers, evidence, insights, competitors, buyer-stage
// moves, advances (most accepted, some refused at the gate), occasional
// contact_left / evidence_revoked that make the opportunity fall back, and a
// win / lose / disqualify for a share of them. Interactions are the most
// frequent kind. The stories are then interleaved as a real stream would be:
// all events sorted by time.
//
// Benchmarks (see benchmarks/README.md for the figures):
//   BM_Floor_VisitEvents       the floor: walk the stream, std::visit each body
//                              into a checksum; no engine.
//   BM_Replay_PreResolved      the engine: each event's opportunity index is
//                              resolved up front (vector<size_t>).
//   BM_Replay_HashLookup       as above, plus the id -> index lookup through an
//                              std::unordered_map<std::string, size_t> per event.
//   BM_Replay_WithConstruction as PreResolved, but constructing the 100,000
//                              Opportunity objects is timed too.
//   BM_Diag_Replay_GroupedByOpportunity
//                              diagnostic: as PreResolved over the same events
//                              ordered story by story (not interleaved), to
//                              separate cache misses from computation.
//   BM_Pipeline_Apply          the batch path, Pipeline::apply, over the
//                              interleaved stream (ids resolved, grouped by
//                              opportunity, every record kept).
//   BM_Pipeline_Apply_GroupedBatch
//                              as BM_Pipeline_Apply over a batch in which each
//                              opportunity's events arrive together.
// In PreResolved and HashLookup, constructing the opportunities (and destroying
// the previous iteration's) is done with the timer paused; the last iteration's
// are destroyed after the loop, when the timer has stopped.
//
// Before the benchmarks run, main() replays the stream once and prints to
// stderr the mix of event types, verdicts and final positions (it aborts if any
// event is rejected: the benchmark must measure the engine, not its refusals of
// bad input), and the heap and RSS growth per opportunity.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "pursuit/event.hpp"
#include "pursuit/opportunity.hpp"
#include "pursuit/pipeline.hpp"
#include "pursuit/playbook.hpp"
#include "pursuit/time.hpp"
#include "pursuit/vocabulary.hpp"

namespace {

using namespace pursuit;

constexpr std::size_t kDefaultOpportunities = 100'000;
constexpr std::uint32_t kSeed = 20260302;
constexpr Timestamp kStreamStart = 1'704'067'200LL * kMicrosPerSecond;  // 2024-01-01T00:00:00Z

// ---------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------

// 100,000 unless PURSUIT_BENCH_OPPORTUNITIES says otherwise (a smaller stream
// is handy under valgrind; the figures in the README are for the default).
std::size_t opportunity_count() {
    static const std::size_t n = [] {
        const char* v = std::getenv("PURSUIT_BENCH_OPPORTUNITIES");
        const long long parsed = v ? std::atoll(v) : 0;
        return parsed > 0 ? static_cast<std::size_t>(parsed) : kDefaultOpportunities;
    }();
    return n;
}

struct Stream {
    std::vector<std::string> opportunity_ids;  // index -> id
    std::vector<Event> events;                 // all opportunities, sorted by time
    std::vector<std::size_t> target;           // events[i] belongs to opportunity target[i]
};

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

const Stream& stream() {
    static const Stream s = build_stream();
    return s;
}

// Diagnostic: the same events, one opportunity's story after another (not
// interleaved), so that consecutive events hit the same, cache-warm opportunity.
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

// ---------------------------------------------------------------------------
// The benchmarks
// ---------------------------------------------------------------------------

void set_rates(benchmark::State& state, std::size_t events) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(events));
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["events"] = static_cast<double>(events);
}

std::uint64_t touch(const Event& e) {
    return std::visit(
        [](const auto& b) -> std::uint64_t {
            using B = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<B, events::Interaction>)
                return b.volume + static_cast<std::uint64_t>(b.channel) + (b.contact ? b.contact->size() : 0);
            else if constexpr (std::is_same_v<B, events::Signal> || std::is_same_v<B, events::Evidence> ||
                               std::is_same_v<B, events::EvidenceRevoked>)
                return static_cast<std::uint64_t>(b.kind) + (b.contact ? b.contact->size() : 0);
            else if constexpr (std::is_same_v<B, events::Qualify>)
                return static_cast<std::uint64_t>(b.criterion) * 3 + static_cast<std::uint64_t>(b.answer);
            else if constexpr (std::is_same_v<B, events::Contact> || std::is_same_v<B, events::ContactLeft>)
                return b.contact.size();
            else if constexpr (std::is_same_v<B, events::Insight>)
                return static_cast<std::uint64_t>(b.topic) + b.text.size();
            else if constexpr (std::is_same_v<B, events::BuyerStageChange>)
                return static_cast<std::uint64_t>(b.stage);
            else
                return 1;
        },
        e.body);
}

// The floor: visit every event of the stream in order, as the replay does, and
// fold it into a checksum. What any consumer of this stream pays at least.
void BM_Floor_VisitEvents(benchmark::State& state) {
    const Stream& s = stream();
    for (auto _ : state) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < s.events.size(); ++i) {
            const Event& e = s.events[i];
            sum += s.target[i] + static_cast<std::uint64_t>(e.at) + e.id.size() + touch(e);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rates(state, s.events.size());
}

// The engine, each event's opportunity resolved up front.
void replay_pre_resolved(benchmark::State& state, const Stream& s) {
    std::vector<Opportunity> opps;
    for (auto _ : state) {
        state.PauseTiming();
        opps.clear();  // the previous iteration's, destroyed untimed
        opps = fresh_opportunities(s);
        state.ResumeTiming();
        for (std::size_t i = 0; i < s.events.size(); ++i) {
            const Record& r = opps[s.target[i]].apply(s.events[i]);
            benchmark::DoNotOptimize(r);
        }
        benchmark::ClobberMemory();
    }
    set_rates(state, s.events.size());
}

void BM_Replay_PreResolved(benchmark::State& state) { replay_pre_resolved(state, stream()); }

// Diagnostic: as PreResolved over the same events grouped by opportunity. The
// gap to PreResolved is what the interleaving costs (cache misses on 100,000
// opportunities' state), not what the engine computes.
void BM_Diag_Replay_GroupedByOpportunity(benchmark::State& state) { replay_pre_resolved(state, grouped_stream()); }

// The engine plus the id -> opportunity lookup a stream consumer would do.
void BM_Replay_HashLookup(benchmark::State& state) {
    const Stream& s = stream();
    std::unordered_map<std::string, std::size_t> index;
    index.reserve(s.opportunity_ids.size());
    for (std::size_t i = 0; i < s.opportunity_ids.size(); ++i) index.emplace(s.opportunity_ids[i], i);
    std::vector<Opportunity> opps;
    for (auto _ : state) {
        state.PauseTiming();
        opps.clear();
        opps = fresh_opportunities(s);
        state.ResumeTiming();
        for (const Event& e : s.events) {
            const auto it = index.find(e.opportunity);
            const Record& r = opps[it->second].apply(e);
            benchmark::DoNotOptimize(r);
        }
        benchmark::ClobberMemory();
    }
    set_rates(state, s.events.size());
}

// As PreResolved, with the construction of the 100,000 opportunities timed too
// (their destruction is not).
void BM_Replay_WithConstruction(benchmark::State& state) {
    const Stream& s = stream();
    std::vector<Opportunity> opps;
    for (auto _ : state) {
        state.PauseTiming();
        opps.clear();
        opps.shrink_to_fit();
        state.ResumeTiming();
        opps = fresh_opportunities(s);
        for (std::size_t i = 0; i < s.events.size(); ++i) {
            const Record& r = opps[s.target[i]].apply(s.events[i]);
            benchmark::DoNotOptimize(r);
        }
        benchmark::ClobberMemory();
    }
    set_rates(state, s.events.size());
}

// The batch path: Pipeline::apply resolves ids, creates the opportunities,
// orders each opportunity's events in time and applies them opportunity by
// opportunity (so each one's state stays in cache), keeping every record.
void pipeline_apply(benchmark::State& state, const Stream& s) {
    for (auto _ : state) {
        state.PauseTiming();
        auto pipeline = std::make_unique<Pipeline>();
        state.ResumeTiming();
        auto records = pipeline->apply(s.events);
        benchmark::DoNotOptimize(records.data());
        state.PauseTiming();
        std::vector<BatchRecord>().swap(records);
        pipeline.reset();
        state.ResumeTiming();
    }
    set_rates(state, s.events.size());
}

void BM_Pipeline_Apply(benchmark::State& state) { pipeline_apply(state, stream()); }

// The batch path over a batch in which each opportunity's events arrive
// together (an export per opportunity, say): the same events as
// BM_Pipeline_Apply, ordered story by story.
void BM_Pipeline_Apply_GroupedBatch(benchmark::State& state) { pipeline_apply(state, grouped_stream()); }

BENCHMARK(BM_Floor_VisitEvents)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pipeline_Apply)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pipeline_Apply_GroupedBatch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Replay_PreResolved)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Replay_HashLookup)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Replay_WithConstruction)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Diag_Replay_GroupedByOpportunity)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// The one-time check (untimed): is the mix realistic, and what does it cost in memory?
// ---------------------------------------------------------------------------

std::size_t heap_in_use() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

std::size_t rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * 4096;
}

double mib(std::size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

void check_and_report(const Stream& s) {
    std::array<std::size_t, size<EventType>()> by_type{};
    for (const Event& e : s.events) ++by_type[static_cast<std::size_t>(e.type())];

    const std::size_t heap0 = heap_in_use(), rss0 = rss_bytes();
    std::vector<Opportunity> opps = fresh_opportunities(s);
    const std::size_t heap1 = heap_in_use(), rss1 = rss_bytes();

    std::array<std::size_t, size<Verdict>()> verdicts{};
    std::array<std::array<std::size_t, size<Verdict>()>, size<EventType>()> verdict_by_type{};
    std::size_t shown = 0;
    for (std::size_t i = 0; i < s.events.size(); ++i) {
        const Record r = opps[s.target[i]].apply(s.events[i]);
        ++verdicts[static_cast<std::size_t>(r.verdict)];
        ++verdict_by_type[static_cast<std::size_t>(r.type)][static_cast<std::size_t>(r.verdict)];
        if (r.verdict == Verdict::rejected && shown++ < 5)
            std::fprintf(stderr, "REJECTED %s (%s): %s\n", r.event_id.c_str(), std::string(to_id(r.type)).c_str(),
                         r.reason.c_str());
    }
    const std::size_t heap2 = heap_in_use(), rss2 = rss_bytes();

    std::map<std::string, std::size_t> positions;
    std::size_t history = 0, facts_items = 0;
    for (const Opportunity& o : opps) {
        const Position p = o.position();
        ++positions[p.outcome ? std::string(to_id(*p.outcome)) + " (from " + std::string(to_id(p.step)) + ")"
                              : "active: " + std::string(to_id(p.step))];
        history += o.history().size();
        const Facts& f = o.facts();
        facts_items += f.signals.size() + f.contacts.size() + f.insights.size() + f.competitors.size() +
                       f.evidence.size() + f.interactions.size();
    }

    const double n = static_cast<double>(s.events.size());
    std::fprintf(stderr, "\n== pursuit lifecycle stream (seed %u) ==\n", kSeed);
    std::fprintf(stderr, "%zu opportunities, %zu events (%.1f per opportunity); sizeof(Event) = %zu, sizeof(Record) = %zu\n",
                 s.opportunity_ids.size(), s.events.size(), n / static_cast<double>(s.opportunity_ids.size()), sizeof(Event),
                 sizeof(Record));
    std::fprintf(stderr, "%-18s %9s %6s   accepted  refused fell_back  not_appl rejected\n", "event type", "count", "%");
    for (std::size_t t = 0; t < by_type.size(); ++t) {
        if (by_type[t] == 0) continue;
        const auto& v = verdict_by_type[t];
        std::fprintf(stderr, "%-18s %9zu %5.1f%%  %9zu %8zu %9zu %9zu %8zu\n",
                     std::string(to_id(static_cast<EventType>(t))).c_str(), by_type[t],
                     100.0 * static_cast<double>(by_type[t]) / n, v[0], v[1], v[2], v[3], v[4]);
    }
    std::fprintf(stderr, "verdicts:");
    for (std::size_t v = 0; v < verdicts.size(); ++v)
        std::fprintf(stderr, " %s=%zu (%.2f%%)", std::string(to_id(static_cast<Verdict>(v))).c_str(), verdicts[v],
                     100.0 * static_cast<double>(verdicts[v]) / n);
    std::fprintf(stderr, "\nfinal positions:");
    for (const auto& [where, count] : positions) std::fprintf(stderr, " [%s]=%zu", where.c_str(), count);
    std::fprintf(stderr, "\nhistory records: %zu; fact items (signals+contacts+insights+competitors+evidence+interactions): %zu\n",
                 history, facts_items);
    const double per = static_cast<double>(s.opportunity_ids.size());
    std::fprintf(stderr,
                 "memory (malloc'd bytes in use, mallinfo2; RSS from /proc/self/statm):\n"
                 "  fresh Opportunity objects:       heap +%.1f MiB (%.0f B each), RSS +%.1f MiB\n"
                 "  after the replay:               heap +%.1f MiB (%.0f B per opportunity, %.0f B per event), RSS +%.1f MiB (%.0f B per opportunity)\n\n",
                 mib(heap1 - heap0), static_cast<double>(heap1 - heap0) / per, mib(rss1 - rss0), mib(heap2 - heap0),
                 static_cast<double>(heap2 - heap0) / per, static_cast<double>(heap2 - heap0) / n, mib(rss2 - rss0),
                 static_cast<double>(rss2 - rss0) / per);
    if (verdicts[static_cast<std::size_t>(Verdict::rejected)] != 0) {
        std::fprintf(stderr, "the stream has rejected events: the benchmark would measure rejections; fix the generator\n");
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    check_and_report(stream());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
