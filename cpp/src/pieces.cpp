// Pieces of an input through one Intake: a JSON Lines stream through a TBB
// pipeline (read blocks in order, parse them in parallel, judge and apply in
// order), an Arrow stream slice by slice.
#include "pursuit/pieces.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <absl/container/flat_hash_map.h>
#include <tbb/parallel_pipeline.h>

#include "jsonl_lines.hpp"

namespace pursuit {
namespace {

// The line of each event taken, by its position in the input, kept only
// where the numbering jumps (blank lines, errors, repeats).
class LineNumbers {
public:
    void add(std::size_t position, std::size_t line) {
        if (jumps_.empty() || line != jumps_.back().second + (position - jumps_.back().first))
            jumps_.emplace_back(position, line);
    }
    std::size_t operator()(std::size_t position) const {
        auto it = std::upper_bound(jumps_.begin(), jumps_.end(), position,
                                   [](std::size_t p, const auto& jump) { return p < jump.first; });
        --it;  // position 0 is always a jump
        return it->second + (position - it->first);
    }

private:
    std::vector<std::pair<std::size_t, std::size_t>> jumps_;  // (position, 1-based line)
};

// Judges a parsed block in line order: errors are reported (thrown, under
// raise), an id seen before is an error naming the line it was first on, the
// rest are taken.
class JsonlJudge {
public:
    JsonlJudge(const Pipeline::Intake& intake, std::vector<EventError>& errors, OnError on_error)
        : intake_(intake), errors_(errors), on_error_(on_error) {}

    std::vector<const Event*> operator()(Chunk& c) {
        std::vector<const Event*> taken;
        taken.reserve(c.events.size());
        absl::flat_hash_map<std::string_view, std::size_t> here;  // id -> its line in this block
        here.reserve(c.events.size());
        auto take = [&](const Event& e, std::size_t line) {
            std::optional<std::size_t> first;
            if (const auto it = here.find(std::string_view(e.id)); it != here.end()) first = it->second;
            else if (const auto at = intake_.earlier(e.id)) first = lines_(*at);
            if (first)
                return report(EventError(e.id, line, "id", "duplicate event id (first on line " + std::to_string(*first) + ")"));
            lines_.add(intake_.size() + taken.size(), line);
            here.emplace(std::string_view(e.id), line);
            taken.push_back(&e);
        };
        std::size_t k = 0;
        for (auto& [line, err] : c.errors) {
            for (; k < c.events.size() && c.event_lines[k] < line; ++k) take(c.events[k], c.event_lines[k] + 1);
            report(std::move(err));
        }
        for (; k < c.events.size(); ++k) take(c.events[k], c.event_lines[k] + 1);
        return taken;
    }

private:
    void report(EventError err) {
        if (on_error_ == OnError::raise) throw err;
        errors_.push_back(std::move(err));
    }
    const Pipeline::Intake& intake_;
    std::vector<EventError>& errors_;
    OnError on_error_;
    LineNumbers lines_;
};

struct Block {
    LineBlock lines;
    Chunk parsed;
};

}  // namespace

std::optional<AppliedInput> apply_jsonl_pieces(Pipeline& pipeline, std::istream& in, OnError on_error,
                                               unsigned threads, std::size_t piece) {
    AppliedInput result;
    Pipeline::Intake intake(pipeline, threads, true);
    LineReader reader(in);
    JsonlJudge judge(intake, result.errors, on_error);
    bool first = true, whole = false, ended = false;
    // An exception thrown inside a TBB pipeline cancels it and loses the
    // blocks in flight, so a failure is kept, the rest drains, and it is
    // rethrown once the pipeline has ended.
    std::exception_ptr failure;
    // A block being read, one parsed per core, one being applied.
    const std::size_t tokens = std::max(1u, std::thread::hardware_concurrency()) + 2;
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::shared_ptr<Block>>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& control) -> std::shared_ptr<Block> {
                auto block = std::make_shared<Block>();
                if (whole || failure || !reader.next(std::max<std::size_t>(1, piece), block->lines)) {
                    control.stop();
                    return nullptr;
                }
                if (first) {
                    first = false;
                    const std::string_view text(block->lines.text.data(), block->lines.text.size() - kJsonPadding);
                    if (auto problem = not_json_lines(text)) {  // the one error is the whole answer
                        if (on_error == OnError::raise) failure = std::make_exception_ptr(*problem);
                        else result.errors.push_back(std::move(*problem));
                        control.stop();
                        return nullptr;
                    }
                }
                return block;
            }) &
            tbb::make_filter<std::shared_ptr<Block>, std::shared_ptr<Block>>(
                tbb::filter_mode::parallel,
                [](std::shared_ptr<Block> block) {
                    const auto& lines = block->lines;
                    parse_range(lines.lines, block->parsed, 0, lines.lines.size(), lines.first_line, true);
                    return block;
                }) &
            tbb::make_filter<std::shared_ptr<Block>, void>(tbb::filter_mode::serial_in_order,
                                                           [&](std::shared_ptr<Block> block) {
                                                               if (whole || failure) return;
                                                               try {
                                                                   const auto taken = judge(block->parsed);
                                                                   ended = block->lines.last;
                                                                   if (!intake.add(taken, !ended)) whole = true;
                                                               } catch (...) {
                                                                   failure = std::current_exception();
                                                               }
                                                           }));
    if (failure) {
        intake.abandon();
        std::rethrow_exception(failure);
    }
    if (whole) {
        intake.abandon();
        return std::nullopt;
    }
    if (!ended) intake.add({}, false);  // the stream stopped before its last block
    result.records = intake.finish();
    return result;
}

std::optional<AppliedInput> apply_arrow_pieces(Pipeline& pipeline, ArrowArrayStream& stream, OnError on_error,
                                               unsigned threads, std::size_t piece) {
    AppliedInput result;
    Pipeline::Intake intake(pipeline, threads, true);
    bool whole = false;
    read_arrow_pieces(stream, on_error, piece, [&](ArrowEvents& got) {
        for (auto& err : got.errors) result.errors.push_back(std::move(err));
        std::vector<const Event*> events;
        events.reserve(got.events.size());
        for (const Event& e : got.events) events.push_back(&e);
        whole = !intake.add(events, true);
        return !whole;
    });
    if (whole || !intake.add({}, false)) {
        intake.abandon();
        return std::nullopt;
    }
    result.records = intake.finish();
    return result;
}

}  // namespace pursuit
