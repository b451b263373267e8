// Events in their canonical JSON form: strict parsing with errors that name the
// event and the field, exact serialisation, and a JSON Lines reader.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pursuit/event.hpp"

namespace pursuit {

// Limits on user text, in characters (Unicode code points, as JSON Schema's
// maxLength counts; a line's limit is in bytes): large enough for any real
// note, small enough that a hostile file cannot balloon memory.
struct Limits {
    static constexpr std::size_t id = 128;
    static constexpr std::size_t name = 256;
    static constexpr std::size_t reason = 1024;
    static constexpr std::size_t text = 4096;
    static constexpr std::size_t list = 32;
    static constexpr std::size_t line = 1 << 20;
    static constexpr std::size_t depth = 16;
    static constexpr std::uint32_t volume = 1'000'000;
};

// A bad event. `event_id` is empty when the id itself is missing or bad;
// `line` is 0 when the event did not come from a file; `field` is empty when
// the problem is the whole record (malformed JSON, oversized line).
class EventError : public std::runtime_error {
public:
    EventError(std::string event_id, std::size_t line, std::string field, std::string reason);

    const std::string& event_id() const noexcept { return event_id_; }
    std::size_t line() const noexcept { return line_; }
    const std::string& field() const noexcept { return field_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string event_id_;
    std::size_t line_;
    std::string field_;
    std::string reason_;
};

// From a parsed JSON value (must be an object).
Event event_from_json(const nlohmann::json& value, std::size_t line = 0);
// From JSON text: rejects duplicate keys, nesting deeper than Limits::depth,
// and trailing content. `padded`: kJsonPadding readable bytes follow the text
// (a line inside a larger buffer), which saves a copy.
constexpr std::size_t kJsonPadding = 64;
Event parse_event(std::string_view text, std::size_t line = 0, bool padded = false);

// The canonical form: keys in catalogue order, `at` in UTC, defaults omitted.
nlohmann::ordered_json to_json(const Event& event);
std::string to_json_line(const Event& event);

enum class OnError { raise, collect };

struct JsonlResult {
    std::vector<Event> events;       // the valid events, in file order
    std::vector<EventError> errors;  // empty unless OnError::collect found some
    std::size_t lines = 0;           // lines read (blank lines included)
};

// Reads JSON Lines: one event per line, blank lines skipped, event ids unique
// within the input. With OnError::raise the first error is thrown.
JsonlResult read_jsonl(std::istream& in, OnError on_error = OnError::raise);
JsonlResult read_jsonl_file(const std::string& path, OnError on_error = OnError::raise);

}  // namespace pursuit
