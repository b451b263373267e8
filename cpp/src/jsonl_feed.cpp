// A JSON Lines file fed to the store a block of lines at a time, in bounded
// memory: while the store writes what is judged, a TBB task reads and parses
// the next block. The verdicts are read_jsonl's: errors and repeated ids in
// line order, each repeat naming the line its id was first on.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include "block_feed.hpp"
#include "jsonl_lines.hpp"
#include "pursuit/json.hpp"
#include "pursuit/store.hpp"

namespace pursuit {
namespace {

// Lines per block: a few blocks in memory at once whatever the file's size.
constexpr std::size_t kFeedLines = 16384;

// The file's lines that hold something: the feed's total until it has read
// them all (an upper bound: some may be errors or repeats). One pass at the
// speed of memchr, so that progress can be shown from the first batch.
std::size_t count_lines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buf(1 << 20);
    std::size_t lines = 0;
    bool blank = true;  // the current line holds only spaces, tabs and CRs so far
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const char* p = buf.data();
        const char* const end = p + in.gcount();
        while (p < end) {
            if (blank) {
                for (; p < end && (*p == ' ' || *p == '\t' || *p == '\r'); ++p) {
                }
                if (p == end) break;
                if (*p == '\n') {
                    ++p;
                    continue;
                }
                blank = false;
            }
            const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
            if (!nl) break;
            ++lines;
            blank = true;
            p = static_cast<const char*>(nl) + 1;
        }
    }
    return lines + (blank ? 0 : 1);
}

// The ids taken so far, each as a hash with the line and byte offset it was
// taken from (24 bytes an event instead of its text). A hash met again is
// confirmed against the earlier line, read back from the file, so that two
// ids sharing a hash are never taken for one.
class SeenIds {
public:
    explicit SeenIds(std::string path) : path_(std::move(path)) {}

    // The 1-based line where `id` was first taken, if it was.
    std::optional<std::size_t> first(std::string_view id) {
        const auto it = by_hash_.find(absl::Hash<std::string_view>{}(id));
        if (it == by_hash_.end()) return std::nullopt;
        if (id_at(it->second.offset) == id) return it->second.line;
        const auto other = collided_.find(absl::string_view(id.data(), id.size()));  // Debian's absl has its own
        return other == collided_.end() ? std::nullopt : std::optional<std::size_t>(other->second);
    }
    // Records `id` (known not taken before) as taken from `line` at `offset`.
    void add(std::string_view id, std::size_t line, std::uint64_t offset) {
        const auto [it, fresh] = by_hash_.try_emplace(absl::Hash<std::string_view>{}(id), Place{line, offset});
        if (!fresh) collided_.emplace(std::string(id), line);  // another id holds the hash
    }

private:
    struct Place {
        std::size_t line;
        std::uint64_t offset;
    };
    std::string id_at(std::uint64_t offset) {
        if (!back_.is_open()) back_.open(path_, std::ios::binary);
        back_.clear();
        back_.seekg(static_cast<std::streamoff>(offset));
        std::string line;
        std::getline(back_, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return parse_event(line).id;  // it was read once: it parses again
    }
    std::string path_;
    std::ifstream back_;
    absl::flat_hash_map<std::uint64_t, Place> by_hash_;
    absl::flat_hash_map<std::string, std::size_t> collided_;
};

class JsonlFeed final : public BlockFeed {
public:
    JsonlFeed(const std::string& path, OnError on_error)
        : BlockFeed(on_error), in_(path, std::ios::binary), reader_(in_), seen_(path) {
        if (!in_) throw std::runtime_error("cannot open " + path);
        lines_ = count_lines(path);
        read_ahead();
    }
    ~JsonlFeed() override {
        try {
            group_->wait();  // a block still being read reads into this feed
        } catch (...) {  // its failure no longer matters: the feed is being dropped
        }
    }

private:
    // Its lines, their parse in pieces, and (BlockFeed) the events taken from it.
    struct Lines : Block {
        LineBlock lines;
        std::vector<Chunk> parsed;
    };

    std::optional<std::size_t> upper_bound() override { return lines_; }

    // Reads and parses the next block on a TBB task, in pieces over the cores.
    void read_ahead() {
        group_->run([this] {
            auto block = std::make_unique<Lines>();
            reader_.next(kFeedLines, block->lines);
            const auto& lines = block->lines;
            block->parsed.resize((lines.lines.size() + kLinesPerThread - 1) / kLinesPerThread);
            tbb::parallel_for(std::size_t{0}, block->parsed.size(), [&](std::size_t k) {
                parse_range(lines.lines, block->parsed[k], k * kLinesPerThread,
                            std::min(lines.lines.size(), (k + 1) * kLinesPerThread), lines.first_line, true);
            });
            ahead_ = std::move(block);
        });
    }

    // Judges the block read ahead, in line order, and starts reading the next.
    void read_block() override {
        group_->wait();  // rethrows what reading failed with (a read error, bad_alloc)
        std::unique_ptr<Lines> block = std::move(ahead_);
        ended_ = block->lines.last;
        if (block->lines.first_line == 0) {
            const auto& text = block->lines.text;
            if (auto problem = not_json_lines(std::string_view(text.data(), text.size() - kJsonPadding))) {
                ended_ = true;  // the one error is the whole answer
                return report(std::move(*problem));
            }
        }
        if (!ended_) read_ahead();
        for (Chunk& c : block->parsed) {
            std::size_t k = 0;
            for (auto& [line, err] : c.errors) {
                for (; k < c.events.size() && c.event_lines[k] < line; ++k) take(*block, c.events[k], c.event_lines[k]);
                report(std::move(err));
            }
            for (; k < c.events.size(); ++k) take(*block, c.events[k], c.event_lines[k]);
        }
        add(std::move(block));
    }

    void take(Lines& block, const Event& e, std::size_t line) {
        if (const auto first = seen_.first(e.id))
            return report(EventError(e.id, line + 1, "id", "duplicate event id (first on line " + std::to_string(*first) + ")"));
        const LineBlock& lines = block.lines;
        const std::string_view text = lines.lines[line - lines.first_line];
        seen_.add(e.id, line + 1, lines.first_offset + static_cast<std::uint64_t>(text.data() - lines.text.data()));
        block.taken.push_back(&e);
    }

    std::ifstream in_;
    LineReader reader_;
    SeenIds seen_;
    std::size_t lines_ = 0;  // non-blank lines in the file
    // Behind a pointer: a task_group's destructor may throw, a feed's must not
    // (the destructor above has waited for it).
    std::unique_ptr<tbb::task_group> group_ = std::make_unique<tbb::task_group>();
    std::unique_ptr<Lines> ahead_;  // read and parsed, not yet judged (set by the task)
};

}  // namespace

std::unique_ptr<EventFeed> jsonl_feed(const std::string& path, OnError on_error) {
    return std::make_unique<JsonlFeed>(path, on_error);
}

}  // namespace pursuit
