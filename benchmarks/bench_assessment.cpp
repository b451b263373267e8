// Assessing opportunities: indicators, risk flags, guidance, prior and
// category (pursuit::assess) over 1,000,000 distinct opportunities, against
// a floor that only reads each opportunity's position.
//
// The opportunities are built before any timing (seeded std::mt19937): each
// gets a short story along DOMAIN.md's default gates — open, a signal, a few
// contacts and interactions, qualification answers, evidence — stopping at a
// step drawn at random, so the mix has deals in every step, some with risk
// flags raised (single-threaded, no advocate, cooling, stalled) and some
// won or lost.
//
// Benchmarks (figures in benchmarks/README.md):
//   BM_Floor_Position        the floor: step and buyer stage of each opportunity
//   BM_Assess                assess() each opportunity as of one moment
//   BM_Assess_And_Features   assess() plus the win model's scoring tokens
// Target (issue 6): assessing 1 M opportunities in under a second of C++ time.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pursuit/assessment.hpp"

namespace {

using namespace pursuit;

constexpr std::size_t kOpportunities = 1'000'000;

std::vector<Opportunity>& opportunities() {
    static std::vector<Opportunity> all = [] {
        std::vector<Opportunity> out;
        out.reserve(kOpportunities);
        std::mt19937 rng(20261127);
        const Timestamp start = 1'735'689'600LL * kMicrosPerSecond;  // 2025-01-01
        for (std::size_t i = 0; i < kOpportunities; ++i) {
            const std::string id = "OPP-" + std::to_string(i);
            Opportunity o(id);
            Timestamp t = start + static_cast<Timestamp>(rng() % 365) * kMicrosPerDay;
            int n = 0;
            auto event = [&](events::Body body) {
                Event e;
                e.id = id + "/" + std::to_string(++n);
                e.opportunity = id;
                e.at = (t += static_cast<Timestamp>(1 + rng() % 9) * kMicrosPerDay);
                e.body = std::move(body);
                o.apply(e);
            };
            event(events::Open{"Acme", "Deal", 1000.0 + static_cast<double>(rng() % 100'000), std::string("CNY"),
                               std::nullopt, std::string("owner-" + std::to_string(rng() % 20)), {}});
            const unsigned depth = rng() % 5;  // how far this story goes
            event(events::Signal{SignalKind::implicit_need, std::nullopt});
            events::Contact c;
            c.contact = "c-1";
            c.roles = std::vector<Role>{Role::stakeholder};
            event(c);
            event(events::Interaction{Channel::meeting, Direction::mutual, static_cast<std::uint32_t>(1 + rng() % 3), std::nullopt});
            if (depth >= 1) {
                event(events::Advance{});
                for (Criterion q : {Criterion::funding, Criterion::timing, Criterion::unique_value,
                                    Criterion::business_driver, Criterion::decision_process})
                    event(events::Qualify{q, rng() % 10 ? Answer::yes : Answer::no});
                events::Contact k;
                k.contact = "c-kp";
                k.roles = std::vector<Role>{Role::key_person};
                k.authority = Authority::high;
                k.access = true;
                event(k);
                event(events::Evidence{EvidenceKind::key_person_access, std::string("c-kp")});
                event(events::Interaction{Channel::email, Direction::inbound, 1, std::nullopt});
            }
            if (depth >= 2) {
                event(events::Advance{});
                for (InsightTopic topic : {InsightTopic::goals, InsightTopic::problem}) event(events::Insight{topic, "learned"});
                event(events::Evidence{EvidenceKind::time_commitment, std::nullopt});
            }
            if (depth >= 3) event(events::Lose{LossReason::competitor, std::nullopt});
            out.push_back(std::move(o));
        }
        return out;
    }();
    return all;
}

Timestamp as_of() { return 1'798'761'600LL * kMicrosPerSecond; }  // 2027-01-01

void BM_Floor_Position(benchmark::State& state) {
    auto& all = opportunities();
    for (auto _ : state) {
        std::size_t sum = 0;
        for (const auto& o : all) sum += static_cast<std::size_t>(o.step()) + static_cast<std::size_t>(o.buyer_stage());
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
}

void BM_Assess(benchmark::State& state) {
    auto& all = opportunities();
    std::size_t flags = 0;
    for (auto _ : state) {
        flags = 0;
        for (const auto& o : all) flags += assess(o, as_of()).flags.size();
        benchmark::DoNotOptimize(flags);
    }
    state.counters["flags_per_opportunity"] = static_cast<double>(flags) / static_cast<double>(all.size());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
}

void BM_Assess_And_Features(benchmark::State& state) {
    auto& all = opportunities();
    for (auto _ : state) {
        std::size_t tokens = 0;
        for (const auto& o : all) tokens += win_features(o, assess(o, as_of()), false).size();
        benchmark::DoNotOptimize(tokens);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
}

}  // namespace

BENCHMARK(BM_Floor_Position)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Assess)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Assess_And_Features)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
