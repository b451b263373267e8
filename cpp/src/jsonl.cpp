// Reading JSON Lines: one event per line, blank lines skipped, ids unique in
// the input. Lines are parsed in parallel (parsing is pure, and most of the
// time); duplicates and errors are then judged in line order, so the result
// is the same as a line-by-line read.
#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <unordered_map>

#include "pursuit/json.hpp"

namespace pursuit {
namespace {

struct Parsed {
    std::optional<Event> event;
    std::optional<EventError> error;
};

// Below this many lines a thread costs more than it saves.
constexpr std::size_t kLinesPerThread = 4096;

void parse_range(const std::vector<std::string_view>& lines, std::vector<Parsed>& out, std::size_t begin,
                 std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
        const std::string_view line = lines[i];
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank
        try {
            out[i].event = parse_event(line, i + 1);
        } catch (EventError& err) {
            out[i].error = std::move(err);
        }
    }
}

}  // namespace

JsonlResult read_jsonl(std::istream& in, OnError on_error) {
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error("read error");
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

    std::vector<Parsed> parsed(lines.size());
    const std::size_t threads = std::clamp<std::size_t>(lines.size() / kLinesPerThread, 1,
                                                        std::max(1u, std::thread::hardware_concurrency()));
    if (threads == 1) {
        parse_range(lines, parsed, 0, lines.size());
    } else {
        std::vector<std::thread> workers;
        std::vector<std::exception_ptr> failures(threads);
        const std::size_t chunk = (lines.size() + threads - 1) / threads;
        for (std::size_t t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                try {
                    parse_range(lines, parsed, t * chunk, std::min(lines.size(), (t + 1) * chunk));
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
    std::unordered_map<std::string, std::size_t> first_line;  // event id -> line
    auto report = [&](EventError err) {
        if (on_error == OnError::raise) throw err;
        result.errors.push_back(std::move(err));
    };
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        if (parsed[i].error) {
            report(std::move(*parsed[i].error));
            continue;
        }
        if (!parsed[i].event) continue;
        Event& e = *parsed[i].event;
        const auto [it, inserted] = first_line.emplace(e.id, i + 1);
        if (!inserted) {
            report(EventError(e.id, i + 1, "id", "duplicate event id (first on line " + std::to_string(it->second) + ")"));
            continue;
        }
        result.events.push_back(std::move(e));
    }
    return result;
}

JsonlResult read_jsonl_file(const std::string& path, OnError on_error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return read_jsonl(in, on_error);
}

}  // namespace pursuit
