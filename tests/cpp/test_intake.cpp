// Inputs in pieces (Pipeline::Intake, apply_jsonl_pieces): the one batch's
// answer at any piece size; events waiting for a later piece's open; repeats
// across pieces; time going back across pieces; abandon() putting back both
// new and touched opportunities.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "builders.hpp"
#include "pursuit/json.hpp"
#include "pursuit/pieces.hpp"
#include "pursuit/pipeline.hpp"

using namespace pursuit;
using namespace pursuit::test;

namespace {

std::vector<Event> interleaved(int opportunities) {
    std::vector<Event> all;
    for (int i = 0; i < opportunities; ++i) {
        Story s("OPP-" + std::to_string(i));
        all.push_back(s.open());
        for (auto& e : s.evidence_for(Gate::qualification)) all.push_back(e);
        all.push_back(s.advance());
        if (i % 3 == 0) all.push_back(s.lose());
    }
    std::stable_sort(all.begin(), all.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
    return all;
}

std::vector<const Event*> pointers(const std::vector<Event>& events, std::size_t from, std::size_t to) {
    std::vector<const Event*> out;
    for (std::size_t i = from; i < std::min(to, events.size()); ++i) out.push_back(&events[i]);
    return out;
}

// Applies `events` in pieces of `size`; false if the intake refused a piece.
bool in_pieces(Pipeline& p, const std::vector<Event>& events, std::size_t size, std::vector<BatchRecord>& out) {
    Pipeline::Intake intake(p, 1, true);
    for (std::size_t from = 0; from < events.size(); from += size)
        if (!intake.add(pointers(events, from, from + size), from + size < events.size())) return false;
    if (events.empty()) intake.add({}, false);
    out = intake.finish();
    return true;
}

void require_same(const Pipeline& a, const std::vector<BatchRecord>& ra, const Pipeline& b,
                  const std::vector<BatchRecord>& rb) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a.at(i).id() == b.at(i).id());
        CHECK(a.at(i).position() == b.at(i).position());
        CHECK(a.at(i).facts() == b.at(i).facts());
        CHECK(a.at(i).history() == b.at(i).history());
    }
    REQUIRE(ra.size() == rb.size());
    for (std::size_t i = 0; i < ra.size(); ++i) {
        CHECK(a.record(ra[i]) == b.record(rb[i]));
        CHECK(ra[i].opportunity == rb[i].opportunity);
    }
}

}  // namespace

TEST_CASE("pieces of any size give the one batch's answer", "[intake]") {
    const auto events = interleaved(12);
    Pipeline whole;
    const auto expected = whole.apply(events);
    for (std::size_t size : {1u, 2u, 5u, 17u, 1000u}) {
        Pipeline p;
        std::vector<BatchRecord> got;
        REQUIRE(in_pieces(p, events, size, got));
        require_same(p, got, whole, expected);
        // Histories grown piece by piece give their spare room back at the end.
        for (std::size_t i = 0; size < events.size() && i < p.size(); ++i)
            CHECK(p.at(i).history().capacity() == p.at(i).history().size());
    }
}

TEST_CASE("an event waits for a later piece's open; one never opened is rejected at the end", "[intake]") {
    Story s("O"), t("T");
    Event open = s.open(), signal = s.signal(), stray = t.signal();
    std::swap(open.at, signal.at);  // the signal is later in time, earlier in the input
    const std::vector<Event> events{signal, stray, open};
    Pipeline whole, p;
    const auto expected = whole.apply(events);
    std::vector<BatchRecord> got;
    REQUIRE(in_pieces(p, events, 1, got));
    require_same(p, got, whole, expected);
    CHECK(p.verdict(got[0]) == whole.verdict(expected[0]));  // applied before the open, in time order
    CHECK(p.record(got[1]).reason.find("unknown opportunity") != std::string::npos);
}

TEST_CASE("a repeated id is judged against every earlier piece, a rejected first one too", "[intake]") {
    Story s("O"), q("Q");
    Event stray = q.signal();
    Event open = s.open();
    Event again = s.signal();
    again.id = stray.id;  // repeats an event that was rejected (Q was never opened)
    Event first = s.signal(), repeat = s.signal();
    repeat.id = first.id;
    const std::vector<Event> events{stray, open, again, first, repeat};
    Pipeline whole, p;
    const auto expected = whole.apply(events);
    std::vector<BatchRecord> got;
    REQUIRE(in_pieces(p, events, 1, got));
    require_same(p, got, whole, expected);
    CHECK(p.record(got[2]).reason.find("in this batch") != std::string::npos);
    CHECK(p.record(got[4]).reason.find("in this batch") != std::string::npos);
}

TEST_CASE("ids are told apart exactly, however many share the 32 bits of hash an intake keeps", "[intake]") {
    // 300,000 distinct ids: some pairs surely share 32 hash bits (about ten
    // expected), and none of them may be taken for a repeat.
    Story s("O");
    std::vector<Event> events{s.open()};
    for (int i = 0; i < 300'000; ++i) {
        Event e = s.note();
        e.id = "n-" + std::to_string(i);
        events.push_back(std::move(e));
    }
    events.push_back(events[123'456]);  // one true repeat, in a later piece
    Pipeline p;
    std::vector<BatchRecord> got;
    REQUIRE(in_pieces(p, events, 65'536, got));
    std::size_t rejected = 0;
    for (const auto& r : got) rejected += p.verdict(r) == Verdict::rejected;
    CHECK(rejected == 1);
    CHECK(p.verdict(got.back()) == Verdict::rejected);
    CHECK(p.at(0).history().size() == 300'001);
}

TEST_CASE("time going back across pieces is refused, and abandon() puts everything back", "[intake]") {
    const auto events = interleaved(4);
    const std::vector<Event> prefix(events.begin(), events.begin() + 6);
    Pipeline p, before;  // a Pipeline is not copied: its index views its own opportunities
    p.apply(prefix);
    before.apply(prefix);
    Story late("OPP-0");
    std::vector<Event> rest(events.begin() + 6, events.end());
    Event back = rest.front();  // an event of OPP-0 from before what the first piece gives it
    back.id = "back";
    back.at = events.front().at;
    back.body = events::Note{};
    rest.push_back(back);
    Story fresh("NEW");
    rest.insert(rest.begin(), fresh.open());
    {
        Pipeline::Intake intake(p, 1, true);
        REQUIRE(intake.add(pointers(rest, 0, rest.size() - 1), true));
        CHECK(p.size() == before.size() + 1);
        CHECK_FALSE(intake.add(pointers(rest, rest.size() - 1, rest.size()), false));
        intake.abandon();
    }
    REQUIRE(p.size() == before.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        CHECK(p.at(i).history() == before.at(i).history());
        CHECK(p.at(i).facts() == before.at(i).facts());
        CHECK(p.find(p.at(i).id()) == i);
    }
    CHECK_FALSE(p.find("NEW"));
    // and the input as one batch is taken afterwards as if nothing had happened
    const auto a = p.apply(rest), b = before.apply(rest);
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(p.record(a[i]) == before.record(b[i]));
}

TEST_CASE("an intake that is dropped unfinished puts the pipeline back", "[intake]") {
    const auto events = interleaved(3);
    Pipeline p;
    {
        Pipeline::Intake intake(p, 1, true);
        REQUIRE(intake.add(pointers(events, 0, events.size()), true));
        CHECK(p.size() == 3);
    }
    CHECK(p.size() == 0);
    const auto records = p.apply(events);  // a fresh pipeline again: nothing counts as applied before
    CHECK(std::all_of(records.begin(), records.end(), [&](const BatchRecord& r) { return p.verdict(r) != Verdict::rejected; }));
}

TEST_CASE("JSON Lines in pieces: the whole file's answer, errors in line order, raise leaves nothing", "[intake][jsonl]") {
    const auto events = interleaved(6);
    std::string text;
    for (const auto& e : events) text += to_json_line(e) + "\n";
    text += "\n" + to_json_line(events[3]) + "\n";  // a blank line, then a repeat
    text += "{\"id\": \"broken\"\n";
    for (std::size_t piece : {1u, 3u, 1000u}) {
        std::istringstream whole_in(text), in(text);
        const JsonlResult whole = read_jsonl(whole_in, OnError::collect);
        Pipeline expected_p, p;
        const auto expected = expected_p.apply(whole.events);
        const auto got = apply_jsonl_pieces(p, in, OnError::collect, 1, piece);
        REQUIRE(got);
        require_same(p, got->records, expected_p, expected);
        REQUIRE(got->errors.size() == whole.errors.size());
        for (std::size_t i = 0; i < whole.errors.size(); ++i) {
            CHECK(std::string(got->errors[i].what()) == whole.errors[i].what());
            CHECK(got->errors[i].line() == whole.errors[i].line());
        }
        std::istringstream raise_in(text);
        Pipeline untouched;
        CHECK_THROWS_AS(apply_jsonl_pieces(untouched, raise_in, OnError::raise, 1, piece), EventError);
        CHECK(untouched.size() == 0);
    }
}
