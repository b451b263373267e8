// Batches: ordering within an opportunity, unknown opportunities, duplicate
// ids, and threads giving the same result as one thread.
#include <catch2/catch.hpp>

#include <algorithm>

#include "builders.hpp"
#include "pursuit/json.hpp"
#include "pursuit/pipeline.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

std::vector<Event> stories(int n) {
    std::vector<Event> all;
    for (int i = 0; i < n; ++i) {
        Story s("OPP-" + std::to_string(i));
        std::vector<Event> story{s.open()};
        for (Gate g : {Gate::qualification, Gate::tracking, Gate::monitoring}) {
            if (i % 4 == static_cast<int>(g)) break;
            for (auto& e : s.evidence_for(g)) story.push_back(e);
            story.push_back(s.advance());
        }
        if (i % 5 == 0) story.push_back(s.lose());
        all.insert(all.end(), story.begin(), story.end());
    }
    std::stable_sort(all.begin(), all.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
    return all;
}

}  // namespace

TEST_CASE("a batch creates its opportunities and applies each one's events in time order", "[pipeline]") {
    Story s;
    std::vector<Event> events;
    for (auto& e : std::vector<Event>{s.open(), s.signal(), s.contact("c-1"), s.advance()}) events.push_back(e);
    std::reverse(events.begin(), events.end());  // out of order in the batch
    Pipeline p;
    const auto out = p.apply(events);
    REQUIRE(p.size() == 1);
    CHECK(p.at(0).step() == Step::qualification);
    for (const auto& entry : out) CHECK(p.record(entry).verdict == Verdict::accepted);
    CHECK(p.record(out[0]).type == EventType::advance);  // results come back in the batch's order
    CHECK(p.find("OPP-1") == std::size_t{0});
    CHECK_FALSE(p.find("OPP-2"));
}

TEST_CASE("unknown opportunities and repeated ids are rejected, the rest applies", "[pipeline][errors]") {
    Story s, other("OPP-9");
    const Event open = s.open();
    Event again = s.signal();
    again.id = open.id;
    const std::vector<Event> events{open, other.signal(), again};
    Pipeline p;
    const auto out = p.apply(events);
    CHECK(p.record(out[0]).verdict == Verdict::accepted);
    CHECK(out[1].opportunity == -1);
    CHECK(p.record(out[1]).reason == "unknown opportunity 'OPP-9': its first event must be 'open'");
    CHECK(p.record(out[2]).reason == "duplicate event id 'OPP-1/e-1' in this batch");
    CHECK(p.at(0).history().size() == 1);
}

TEST_CASE("splitting a batch over threads gives the same opportunities as one thread", "[pipeline][threads]") {
    const auto events = stories(300);
    Pipeline one, four;
    const auto a = one.apply(events, 1);
    const auto b = four.apply(events, 4);
    REQUIRE(one.size() == four.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
        CHECK(one.at(i).position() == four.at(i).position());
        CHECK(one.at(i).facts() == four.at(i).facts());
        CHECK(one.at(i).history() == four.at(i).history());
    }
    for (std::size_t i = 0; i < events.size(); ++i) CHECK(one.record(a[i]) == four.record(b[i]));
}

TEST_CASE("later batches continue the same opportunities; snapshot has a row each", "[pipeline]") {
    const auto events = stories(20);
    Pipeline p;
    p.apply(std::vector<Event>(events.begin(), events.begin() + 40));
    p.apply(std::vector<Event>(events.begin() + 40, events.end()));
    const auto snap = p.snapshot();
    CHECK(snap.id.size() == 20);
    std::size_t applied = 0;
    for (std::size_t i = 0; i < p.size(); ++i) applied += p.at(i).history().size();
    CHECK(applied == events.size());
    CHECK(std::count(snap.outcome.begin(), snap.outcome.end(), static_cast<std::int8_t>(Outcome::lost)) == 4);
}

TEST_CASE("adopting an opportunity twice is refused", "[pipeline][errors]") {
    Pipeline p;
    p.adopt(Opportunity("OPP-1"));
    CHECK_THROWS_WITH(p.adopt(Opportunity("OPP-1")), "opportunity 'OPP-1' is already in the pipeline");
}
