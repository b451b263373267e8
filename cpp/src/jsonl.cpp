// Reading JSON Lines: one event per line, blank lines skipped, ids unique in
// the input. Lines are parsed in parallel (parsing is pure, and most of the
// time); duplicates and errors are then judged in line order, so the result
// is the same as a line-by-line read.
#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <thread>
#include <functional>

#include "pursuit/json.hpp"

namespace pursuit {
namespace {

// One thread's share of the lines: its events and errors, each with its line
// index, in line order. (One slot per line, as before, cost more than the parse
// itself in page faults and copies: events are ~400 bytes.)
struct Chunk {
    std::vector<Event> events;
    std::vector<std::size_t> event_lines;
    std::vector<std::pair<std::size_t, EventError>> errors;
};

// Below this many lines a thread costs more than it saves.
constexpr std::size_t kLinesPerThread = 4096;

void parse_range(const std::vector<std::string_view>& lines, Chunk& out, std::size_t begin, std::size_t end) {
    out.events.reserve(end - begin);
    out.event_lines.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        const std::string_view line = lines[i];
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank
        try {
            out.events.push_back(parse_event(line, i + 1));
            out.event_lines.push_back(i);
        } catch (EventError& err) {
            out.errors.emplace_back(i, std::move(err));
        }
    }
}

// The whole stream, read in large blocks (an istreambuf_iterator copies one
// character at a time: a tenth of the time of a large file).
std::string slurp(std::istream& in) {
    std::string text;
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

}  // namespace

JsonlResult read_jsonl(std::istream& in, OnError on_error) {
    const std::string text = slurp(in);
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (lines.empty() && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 byte-order mark
        lines.push_back(line);
        pos = end + 1;
    }

    const std::size_t threads = std::clamp<std::size_t>(lines.size() / kLinesPerThread, 1,
                                                        std::max(1u, std::thread::hardware_concurrency()));
    std::vector<Chunk> chunks(threads);
    const std::size_t share = (lines.size() + threads - 1) / threads;
    auto parse_share = [&](std::size_t t) {
        parse_range(lines, chunks[t], std::min(lines.size(), t * share), std::min(lines.size(), (t + 1) * share));
    };
    if (threads == 1) {
        parse_share(0);
    } else {
        std::vector<std::thread> workers;
        std::vector<std::exception_ptr> failures(threads);
        for (std::size_t t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                try {
                    parse_share(t);
                } catch (...) {
                    failures[t] = std::current_exception();  // bad_alloc and the like: rethrown below
                }
            });
        for (auto& w : workers) w.join();
        for (const auto& f : failures)
            if (f) std::rethrow_exception(f);
    }

    JsonlResult result;
    result.lines = lines.size();
    std::size_t parsed = 0;
    for (const auto& c : chunks) parsed += c.events.size();
    result.events.reserve(parsed);
    // Ids seen so far: an open-addressing table of positions in result.events and
    // the line each came from (a node-based map was a sixth of the whole read).
    std::size_t slots = 16;
    while (slots < 2 * parsed) slots *= 2;
    std::vector<std::size_t> table(slots, 0);  // 0: empty, else index into result.events + 1
    std::vector<std::size_t> lines_of;
    lines_of.reserve(parsed);
    const std::hash<std::string_view> hash;
    // The line the event's id was first seen on; or 0, and the event is taken.
    auto first_line = [&](Event& e, std::size_t line) -> std::size_t {
        for (std::size_t i = hash(e.id) & (slots - 1);; i = (i + 1) & (slots - 1)) {
            if (table[i] == 0) {
                result.events.push_back(std::move(e));
                lines_of.push_back(line);
                table[i] = result.events.size();
                return 0;
            }
            if (result.events[table[i] - 1].id == e.id) return lines_of[table[i] - 1];
        }
    };
    auto report = [&](EventError err) {
        if (on_error == OnError::raise) throw err;
        result.errors.push_back(std::move(err));
    };
    auto take = [&](Event& e, std::size_t line) {
        if (const std::size_t first = first_line(e, line))
            report(EventError(e.id, line, "id", "duplicate event id (first on line " + std::to_string(first) + ")"));
    };
    // Errors and events are judged in line order: merge each chunk's two lists.
    for (auto& c : chunks) {
        std::size_t k = 0;
        for (auto& [line, err] : c.errors) {
            for (; k < c.events.size() && c.event_lines[k] < line; ++k) take(c.events[k], c.event_lines[k] + 1);
            report(std::move(err));
        }
        for (; k < c.events.size(); ++k) take(c.events[k], c.event_lines[k] + 1);
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
