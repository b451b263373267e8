// Reading JSON Lines whole: one event per line, blank lines skipped, ids
// unique in the input. Lines are parsed in parallel (parsing is pure, and most
// of the time); duplicates and errors are then judged in line order, so the
// result is the same as a line-by-line read.
#include <algorithm>
#include <fstream>
#include <optional>
#include <string_view>

#include <absl/container/flat_hash_map.h>
#include <tbb/parallel_for.h>

#include "jsonl_lines.hpp"
#include "pursuit/json.hpp"

namespace pursuit {
namespace {

// The whole stream, read in large blocks (an istreambuf_iterator copies one
// character at a time: a tenth of the time of a large file).
std::string slurp(std::istream& in, std::size_t expected = 0) {
    std::string text;
    text.reserve(expected + 1);  // a file's size: one allocation, no copies
    constexpr std::size_t block = 1 << 20;
    for (;;) {
        const std::size_t size = text.size();
        text.resize(size + block);
        in.read(text.data() + size, static_cast<std::streamsize>(block));
        text.resize(size + static_cast<std::size_t>(in.gcount()));
        if (!in) break;
    }
    if (in.bad()) throw std::runtime_error("read error");
    return text;
}

// Judges parsed events in line order: the first event of each id is taken,
// a later one is a duplicate; errors are reported (thrown, under raise) in line
// order. Ids are looked up in `events`, which must never reallocate: it has
// room for every event it will be given.
class Judge {
public:
    Judge(std::vector<Event>& events, std::vector<EventError>& errors, OnError on_error)
        : events_(events), errors_(errors), on_error_(on_error) {
        first_line_.reserve(events.capacity());
    }

    void operator()(Chunk& c) {
        std::size_t k = 0;
        for (auto& [line, err] : c.errors) {
            for (; k < c.events.size() && c.event_lines[k] < line; ++k) take(c.events[k], c.event_lines[k] + 1);
            report(std::move(err));
        }
        for (; k < c.events.size(); ++k) take(c.events[k], c.event_lines[k] + 1);
    }

private:
    void report(EventError err) {
        if (on_error_ == OnError::raise) throw err;
        errors_.push_back(std::move(err));
    }
    // The map's keys view the ids of the events taken, which never move.
    void take(Event& e, std::size_t line) {
        if (const auto it = first_line_.find(std::string_view(e.id)); it != first_line_.end()) {
            report(EventError(e.id, line, "id", "duplicate event id (first on line " + std::to_string(it->second) + ")"));
            return;
        }
        events_.push_back(std::move(e));
        first_line_.emplace(std::string_view(events_.back().id), line);
    }

    std::vector<Event>& events_;
    std::vector<EventError>& errors_;
    OnError on_error_;
    absl::flat_hash_map<std::string_view, std::size_t> first_line_;  // id -> the line it was taken from
};

}  // namespace

JsonlResult read_jsonl(std::istream& in, OnError on_error) {
    const std::string text = slurp(in);
    if (auto problem = not_json_lines(text)) {
        if (on_error == OnError::raise) throw *problem;
        JsonlResult result;
        result.errors.push_back(std::move(*problem));
        result.lines = 1;
        return result;
    }
    const std::vector<std::string_view> lines = split_lines(text);

    // Parsing is pure and most of the time: pieces of lines on every core.
    std::vector<Chunk> chunks((lines.size() + kLinesPerThread - 1) / kLinesPerThread);
    tbb::parallel_for(std::size_t{0}, chunks.size(), [&](std::size_t k) {
        parse_range(lines, chunks[k], k * kLinesPerThread, std::min(lines.size(), (k + 1) * kLinesPerThread));
    });

    JsonlResult result;
    result.lines = lines.size();
    std::size_t parsed = 0;
    for (const auto& c : chunks) parsed += c.events.size();
    result.events.reserve(parsed);
    Judge judge(result.events, result.errors, on_error);
    for (auto& c : chunks) {
        judge(c);
        c = Chunk{};  // free as we go
    }
    return result;
}

JsonlResult read_jsonl_file(const std::string& path, OnError on_error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return read_jsonl(in, on_error);
}


}  // namespace pursuit
