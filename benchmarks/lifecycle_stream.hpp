// The benchmarks' event stream, built once in memory before any timing (seeded
// std::mt19937, so every run replays the same events). Each opportunity gets a
// story of ~20-40 events that follows DOMAIN.md's default gates: open, warning signals,
// contacts, qualification answers, evidence, insights, competitors, buyer-stage
// moves, advances (most accepted, some refused at the gate), occasional
// contact_left / evidence_revoked that make the opportunity fall back, and a
// win / lose / disqualify for a share of them. Interactions are the most
// frequent kind. The stories are then interleaved as a real stream would be:
// all events sorted by time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pursuit/event.hpp"
#include "pursuit/opportunity.hpp"

namespace pursuit::bench {

constexpr std::uint32_t kSeed = 20260302;

struct Stream {
    std::vector<std::string> opportunity_ids;  // index -> id
    std::vector<Event> events;                 // all opportunities, sorted by time
    std::vector<std::size_t> target;           // events[i] belongs to opportunity target[i]
};

// 100,000 opportunities unless PURSUIT_BENCH_OPPORTUNITIES says otherwise (a
// smaller stream is handy under valgrind; the README's figures are for the default).
const Stream& stream();
// Diagnostic: the same events, one opportunity's story after another (not
// interleaved), so that consecutive events hit the same, cache-warm opportunity.
const Stream& grouped_stream();
std::vector<Opportunity> fresh_opportunities(const Stream& s);

}  // namespace pursuit::bench
