// Throughput of the C++ lifecycle engine: a realistic, mixed event stream over
// 100,000 opportunities replayed through pursuit::Opportunity::apply.
//
// The stream is lifecycle_stream.hpp's: stories that follow DOMAIN.md's default
// gates, interleaved by time as a real stream would be.
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
//   BM_Diag_Floor_TimeOrderedByOpportunity
//                              diagnostic: the floor's visit over the stream in
//                              time order, taken opportunity by opportunity (the
//                              order a batch applies it in): reading events out
//                              of place.
//   BM_Diag_StateLatency/N     diagnostic, the machine alone: one dependent load
//                              anywhere in memory the size of N opportunities'
//                              state, what reaching a cold opportunity costs.
// PURSUIT_BENCH_OPPORTUNITIES=N shrinks the stream to N opportunities (same mix).
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

#include "lifecycle_stream.hpp"

namespace {

using namespace pursuit;
using namespace pursuit::bench;


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

// The stream in time order taken opportunity by opportunity, as a batch applies
// it: the events' places in that order (a stable counting sort, as the batch
// does) and their opportunities in that order (read in sequence, as the batch's
// group ranges are).
struct OpportunityOrder {
    std::vector<std::uint32_t> event, opportunity;
};

const OpportunityOrder& opportunity_order() {
    static const OpportunityOrder order = [] {
        const Stream& s = stream();
        std::vector<std::uint32_t> start(s.opportunity_ids.size() + 1, 0);
        for (std::size_t t : s.target) ++start[t + 1];
        for (std::size_t o = 1; o < start.size(); ++o) start[o] += start[o - 1];
        OpportunityOrder out;
        out.event.resize(s.events.size());
        for (std::size_t i = 0; i < s.events.size(); ++i) out.event[start[s.target[i]]++] = static_cast<std::uint32_t>(i);
        for (std::uint32_t i : out.event) out.opportunity.push_back(static_cast<std::uint32_t>(s.target[i]));
        return out;
    }();
    return order;
}

void read_ahead(const Stream& s, const OpportunityOrder& order, std::size_t k) {
    if (k + 8 >= order.event.size()) return;
    const char* ahead = reinterpret_cast<const char*>(&s.events[order.event[k + 8]]);
    for (std::size_t line = 0; line < sizeof(Event); line += 64) __builtin_prefetch(ahead + line);
}

// The floor of a batch in time order: every event visited as in the floor row,
// in opportunity order and read ahead as the batch reads them. No engine, no
// resolving, no grouping.
void BM_Diag_Floor_TimeOrderedByOpportunity(benchmark::State& state) {
    const Stream& s = stream();
    const OpportunityOrder& order = opportunity_order();
    for (auto _ : state) {
        std::uint64_t sum = 0;
        for (std::size_t k = 0; k < order.event.size(); ++k) {
            read_ahead(s, order, k);
            const Event& e = s.events[order.event[k]];
            sum += order.opportunity[k] + static_cast<std::uint64_t>(e.at) + e.id.size() + touch(e);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rates(state, s.events.size());
}

// The machine, not the engine: one dependent load at a random place in memory
// the size of N opportunities' state after the replay (4,656 bytes each, as
// main() reports), i.e. what reaching a cold opportunity costs at least when
// events arrive in time order. A pointer chase over a random cycle of lines.
void BM_Diag_StateLatency(benchmark::State& state) {
    struct alignas(64) Line {
        Line* next;
    };
    const std::size_t lines = static_cast<std::size_t>(state.range(0)) * 4656 / sizeof(Line);
    std::vector<Line> memory(lines);
    std::vector<std::size_t> cycle(lines);
    std::iota(cycle.begin(), cycle.end(), std::size_t{0});
    std::shuffle(cycle.begin() + 1, cycle.end(), std::mt19937_64(1));
    for (std::size_t i = 0; i < lines; ++i) memory[cycle[i]].next = &memory[cycle[(i + 1) % lines]];
    constexpr std::size_t kLoads = 1'000'000;
    const Line* at = &memory[0];
    for (auto _ : state) {
        for (std::size_t i = 0; i < kLoads; ++i) at = at->next;
        benchmark::DoNotOptimize(at);
    }
    state.counters["per_load"] = benchmark::Counter(
        static_cast<double>(kLoads), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

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
BENCHMARK(BM_Diag_Floor_TimeOrderedByOpportunity)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Diag_StateLatency)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

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
