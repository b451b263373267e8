// The parts of reading JSON Lines that the whole-file reader, the store's feed
// and the piece-by-piece reader share: lines, their parse, and the one error
// for a file that is not UTF-8 JSON Lines at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pursuit/json.hpp"

namespace pursuit {

// Parsed lines: their events and errors, each with its line index (0-based),
// in line order.
struct Chunk {
    std::vector<Event> events;
    std::vector<std::size_t> event_lines;
    std::vector<std::pair<std::size_t, EventError>> errors;
};

// Lines per parsing task: below this a task costs more than it saves.
constexpr std::size_t kLinesPerThread = 4096;

// Parses lines [begin, end); line i is line `first_line + i` of the input.
// `padded`: kJsonPadding readable bytes follow every line.
void parse_range(const std::vector<std::string_view>& lines, Chunk& out, std::size_t begin, std::size_t end,
                 std::size_t first_line = 0, bool padded = false);

// The lines of a text, a UTF-8 byte-order mark and CR line ends removed.
std::vector<std::string_view> split_lines(const std::string& text);

// A text that is not UTF-8 JSON Lines at all gets one error that names the
// problem and the conversion, instead of one parser message per line.
std::optional<EventError> not_json_lines(std::string_view text);

// Whole lines of a stream, a block at a time, so a file of any size is read
// in bounded memory.
struct LineBlock {
    std::string text;                     // the block's lines, then kJsonPadding bytes
    std::vector<std::string_view> lines;  // into text; a byte-order mark and CRs removed
    std::size_t first_line = 0;           // 0-based index of the first line in the stream
    std::uint64_t first_offset = 0;       // byte offset of `text` in the stream
    bool last = false;                    // no block follows
};

class LineReader {
public:
    explicit LineReader(std::istream& in) : in_(in) {}
    // The next block of up to `max_lines` lines; false once the stream is read.
    bool next(std::size_t max_lines, LineBlock& block);

private:
    bool fill();  // reads more into buf_; false at the end of the stream
    std::istream& in_;
    std::string buf_;
    std::size_t pos_ = 0, line_ = 0;
    std::uint64_t offset_ = 0;  // of buf_'s first byte in the stream
    bool end_ = false, done_ = false;
};

}  // namespace pursuit
