// The JSON Lines reader: the strict event parser on the whole input as one
// record, then the reader over it as a stream, collecting and raising.
// Oracle: only EventError escapes; an event parse_event (simdjson) accepts,
// event_from_json accepts from nlohmann's reading of the same text, and equal;
// a parsed event writes back to a line that parses to the same event; collect
// and raise agree; errors come in line order.
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "oracle.hpp"
#include "pursuit/json.hpp"

using namespace pursuit;
using pursuit::fuzz::check;
using pursuit::fuzz::expect_only;

namespace {

// The canonical line of an event parses back to it, and is a fixed point.
void round_trip(const Event& event) {
    const std::string line = to_json_line(event);
    Event again;
    if (!expect_only<>("round trip", [&] { again = parse_event(line); })) return;
    check(again == event, "round trip", ("the canonical line reads as another event: " + line).c_str());
    check(to_json_line(again) == line, "round trip", "the canonical line is not a fixed point");
}

JsonlResult read(std::string_view text, OnError on_error) {
    std::istringstream in{std::string(text)};
    return read_jsonl(in, on_error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    Event one;
    if (expect_only<EventError>("parse_event", [&] { one = parse_event(text, 1); })) {
        round_trip(one);
        // parse_event reads text with simdjson; event_from_json reads a nlohmann value: the same event.
        Event same;
        expect_only<>("event_from_json(json::parse(text))", [&] { same = event_from_json(nlohmann::json::parse(text)); });
        check(same == one, "parse_event", "simdjson's reading differs from nlohmann's");
    }

    JsonlResult collected;
    expect_only<>("read_jsonl(collect)", [&] { collected = read(text, OnError::collect); });
    std::set<std::string> ids;
    for (const Event& e : collected.events) {
        check(ids.insert(e.id).second, "read_jsonl(collect)", "an id returned twice");
        round_trip(e);
    }
    std::size_t previous = 0;
    for (const EventError& err : collected.errors) {
        check(err.line() >= 1, "read_jsonl(collect)", "an error without a line");
        check(err.line() <= std::max<std::size_t>(collected.lines, 1), "read_jsonl(collect)", "an error past the last line");
        check(err.line() >= previous, "read_jsonl(collect)", "errors out of line order");
        previous = err.line();
    }

    JsonlResult raised;
    std::size_t raised_line = 0;
    const bool ok = expect_only<EventError>("read_jsonl(raise)", [&] {
        try {
            raised = read(text, OnError::raise);
        } catch (const EventError& err) {
            raised_line = err.line();
            throw;
        }
    });
    if (collected.errors.empty()) {
        check(ok, "read_jsonl(raise)", "raised although collect found no error");
        check(raised.events == collected.events, "read_jsonl(raise)", "other events than under collect");
    } else {
        check(!ok, "read_jsonl(raise)", "no error although collect found one");
        check(raised_line == collected.errors.front().line(), "read_jsonl(raise)", "not the first error collect found");
    }
    return 0;
}
