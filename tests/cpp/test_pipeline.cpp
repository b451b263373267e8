// Batches: ordering within an opportunity, unknown opportunities, duplicate
// ids, and threads giving the same result as one thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

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
    CHECK_FALSE(out[1].named());
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
    CHECK(snap.amount.size() == 20);
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

TEST_CASE("a shuffled batch with repeats and strays gives what applying each opportunity alone gives",
          "[pipeline][grouping]") {
    auto events = stories(60);
    // Some events before their opportunity's open, ids repeated within and
    // across opportunities, and events for an opportunity never opened.
    std::reverse(events.begin(), events.begin() + 25);
    Event repeat_same = events[40], repeat_other = events[41];
    repeat_same.at += kMicrosPerDay;
    repeat_other.opportunity = events[200].opportunity;
    Story stray("OPP-stray");
    events.insert(events.begin() + 70, repeat_same);
    events.insert(events.begin() + 90, repeat_other);
    events.insert(events.begin() + 10, stray.signal());
    events.push_back(stray.advance());

    // The reference: reject strays and repeats in batch order, then apply each
    // opportunity's events in time order (ties in batch order) on its own.
    std::map<std::string, std::vector<std::size_t>> by_opportunity;
    std::set<std::string> opened, seen;
    for (const auto& e : events)
        if (e.type() == EventType::open) opened.insert(e.opportunity);
    std::vector<Verdict> expected(events.size(), Verdict::rejected);
    std::vector<Record> expected_records(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        if (opened.count(events[i].opportunity) && seen.insert(events[i].id).second)
            by_opportunity[events[i].opportunity].push_back(i);
    for (auto& [id, positions] : by_opportunity) {
        std::stable_sort(positions.begin(), positions.end(),
                         [&](std::size_t a, std::size_t b) { return events[a].at < events[b].at; });
        Opportunity alone(id);
        for (std::size_t i : positions) expected_records[i] = alone.apply(events[i]);
    }

    const std::size_t across = static_cast<std::size_t>(
        std::find_if(events.begin(), events.end(), [&](const Event& e) {
            return e.id == repeat_other.id && e.opportunity == repeat_other.opportunity;
        }) - events.begin());
    for (unsigned threads : {1u, 2u}) {
        Pipeline p;
        const auto out = p.apply(events, threads);
        REQUIRE(out.size() == events.size());
        std::size_t rejected = 0;
        for (std::size_t i = 0; i < events.size(); ++i) {
            const Record r = p.record(out[i]);
            if (expected_records[i].event_id.empty()) {
                CHECK(r.verdict == Verdict::rejected);
                ++rejected;
            } else {
                CHECK(r == expected_records[i]);
            }
        }
        CHECK(rejected == 4);
        CHECK(p.size() == 60);
        CHECK(p.record(out[across]).reason == "duplicate event id '" + repeat_other.id + "' in this batch");
        CHECK(out[across].opportunity == *p.find(repeat_other.opportunity));
    }
}

TEST_CASE("a batch keeps what each event did as applying it alone does, rejected and refused ones too", "[pipeline]") {
    // Batches take a quicker path through the opportunity than apply(); the
    // records must not differ, whether rejected (kept beside the history),
    // refused (with unmet requirements) or plain, over two batches.
    Story s;
    std::vector<Event> first{s.open(), s.advance() /* refused */, s.signal()};
    first.push_back(s.make(events::Interaction{Channel::call, Direction::mutual, 1, std::string("c-9")}));  // unknown contact
    std::vector<Event> second{s.contact("c-1", {Role::stakeholder})};
    second.push_back(s.advance());
    second.push_back(s.left("c-1"));
    second.push_back(s.left("c-1"));  // has left already
    Opportunity alone("OPP-1");
    Pipeline p;
    std::size_t rejected = 0;
    for (const auto* batch : {&first, &second}) {
        const auto out = p.apply(*batch);
        for (std::size_t i = 0; i < batch->size(); ++i) {
            const Record expected = alone.apply((*batch)[i]);
            rejected += expected.verdict == Verdict::rejected;
            CHECK(p.record(out[i]) == expected);
            CHECK(p.verdict(out[i]) == expected.verdict);
        }
    }
    CHECK(rejected == 2);
    CHECK(alone.history().verdict(1) == Verdict::refused);
    CHECK(p.at(0).history() == alone.history());
}

TEST_CASE("repeated ids of every length are found in a batch", "[pipeline][errors]") {
    // Ids are hashed in word-sized pieces with a short tail: every length takes one of the paths.
    for (std::size_t n = 1; n <= 20; ++n) {
        Story s;
        std::vector<Event> events{s.open()};
        for (int k = 0; k < 6; ++k) {
            Event e = s.signal();
            e.id = std::string(n, static_cast<char>('a' + k));
            events.push_back(e);
        }
        Event again = s.signal();
        again.id = std::string(n, 'c');
        events.push_back(again);
        Pipeline p;
        const auto out = p.apply(events);
        for (std::size_t i = 0; i + 1 < events.size(); ++i) CHECK(p.verdict(out[i]) == Verdict::accepted);
        CHECK(p.record(out.back()).reason == "duplicate event id '" + again.id + "' in this batch");
    }
}

TEST_CASE("a batch of pointers to events gives what the same batch by value gives", "[pipeline]") {
    auto events = stories(40);
    events.push_back(events[3]);  // a repeated id
    std::reverse(events.begin() + 10, events.begin() + 30);  // some opportunities out of order
    std::vector<const Event*> pointers;
    for (const auto& e : events) pointers.push_back(&e);
    Pipeline by_value, through_pointers;
    const auto a = by_value.apply(events);
    const auto b = through_pointers.apply(pointers);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(by_value.record(a[i]) == through_pointers.record(b[i]));
    REQUIRE(by_value.size() == through_pointers.size());
    for (std::size_t i = 0; i < by_value.size(); ++i) CHECK(by_value.at(i).history() == through_pointers.at(i).history());
}

TEST_CASE("in a large batch only the repeats are rejected, and ids that differ in one byte are not repeats",
          "[pipeline][errors]") {
    const std::string twin_a = "t-0000000000000001", twin_b = "t-0000000000000002";

    std::vector<Event> events;
    for (int o = 0; o < 400; ++o) {
        Story s("OPP-" + std::to_string(o));
        events.push_back(s.open());
        for (int k = 0; k < 60; ++k) events.push_back(s.note());
    }
    events[1000].id = twin_a;
    events[20000].id = twin_b;
    // Event 1234's id comes three times more, event 2222's once.
    const std::set<std::size_t> repeats{5000, 9000, 17000, 24001};
    for (std::size_t at : repeats) events[at].id = events[at == 24001 ? 2222 : 1234].id;

    Pipeline p;
    const auto out = p.apply(events);
    for (std::size_t i = 0; i < events.size(); ++i) {
        INFO("event " << i);
        if (repeats.count(i))
            CHECK(p.record(out[i]).reason == "duplicate event id '" + events[i].id + "' in this batch");
        else
            CHECK(p.verdict(out[i]) == Verdict::accepted);
    }
}

TEST_CASE("an id applied by an earlier batch is rejected, for its own opportunity or another", "[pipeline][errors]") {
    Pipeline p;
    Story a("OPP-A"), b("OPP-B");
    const Event open_a = a.open(), note_a = a.signal();
    p.apply(std::vector<Event>{open_a, note_a});

    Event again = a.signal();  // a later event reusing an applied id
    again.id = note_a.id;
    Event other = b.open();  // another opportunity's open reusing one
    other.id = open_a.id;
    const Event fresh = a.signal();
    const auto out = p.apply(std::vector<Event>{again, other, fresh});
    REQUIRE(p.verdict(out[0]) == Verdict::rejected);
    CHECK(p.record(out[0]).reason == "event id 'OPP-A/e-2' was already applied (at " + format_timestamp(note_a.at) +
                                         "); each event id applies once");
    REQUIRE(p.verdict(out[1]) == Verdict::rejected);
    CHECK(p.record(out[1]).reason.find("already applied to opportunity 'OPP-A'") != std::string::npos);
    CHECK(p.verdict(out[2]) == Verdict::accepted);
    CHECK(p.at(*p.find("OPP-A")).history().size() == 3);
}

TEST_CASE("ids of adopted opportunities count as applied", "[pipeline][errors]") {
    Story a("OPP-A");
    Opportunity o("OPP-A");
    const Event open = a.open();
    o.apply(open);
    Pipeline p;
    p.adopt(o);
    Event again = a.signal();
    again.id = open.id;
    CHECK(p.verdict(p.apply(std::vector<Event>{again}).front()) == Verdict::rejected);
}

TEST_CASE("one at a time, an applied id is rejected even when it comes later in time", "[opportunity][errors]") {
    Story s;
    Opportunity o("OPP-1");
    const Event open = s.open();
    o.apply(open);
    Event again = s.signal();
    again.id = open.id;
    const Record& r = o.apply(again);
    CHECK(r.verdict == Verdict::rejected);
    CHECK(r.event_id == open.id);
    CHECK(r.reason.find("was already applied") != std::string::npos);
    CHECK(o.history().size() == 1);
}

TEST_CASE("an open refused for its id creates no opportunity", "[pipeline][errors]") {
    Pipeline p;
    Story a("OPP-A"), b("OPP-B"), c("OPP-C");
    const Event open_a = a.open();
    Event twice = b.open();  // repeats an id of this batch
    twice.id = open_a.id;
    p.apply(std::vector<Event>{open_a, twice});
    CHECK_FALSE(p.find("OPP-B"));
    Event again = c.open();  // repeats an id of an earlier batch
    again.id = open_a.id;
    const auto out = p.apply(std::vector<Event>{again});
    CHECK(p.verdict(out.front()) == Verdict::rejected);
    CHECK_FALSE(out.front().named());
    CHECK_FALSE(p.find("OPP-C"));
    CHECK(p.size() == 1);
}

TEST_CASE("an event placed before its open in a batch, later in time, applies after the open", "[pipeline][grouping]") {
    Story s;
    const Event open = s.open(), signal = s.signal();
    Pipeline p;
    const auto out = p.apply(std::vector<Event>{signal, open});
    CHECK(p.verdict(out[0]) == Verdict::accepted);
    CHECK(p.verdict(out[1]) == Verdict::accepted);
    CHECK(p.at(0).history().size() == 2);
}

TEST_CASE("a pipeline is moved, never copied, and finds its opportunities after a move", "[pipeline]") {
    static_assert(!std::is_copy_constructible_v<Pipeline> && !std::is_copy_assignable_v<Pipeline>);
    static_assert(std::is_move_constructible_v<Pipeline> && std::is_move_assignable_v<Pipeline>);
    Pipeline p;
    Story s("OPP-1");
    p.apply(std::vector<Event>{s.open(), s.signal()});
    Pipeline moved(std::move(p));
    REQUIRE(moved.find("OPP-1") == std::size_t{0});
    Pipeline assigned;
    assigned = std::move(moved);
    REQUIRE(assigned.find("OPP-1") == std::size_t{0});
    const auto records = assigned.apply(std::vector<Event>{s.contact("c-1")});
    CHECK(assigned.verdict(records[0]) == Verdict::accepted);
    CHECK(assigned.at(0).facts().contacts.size() == 1);
}
