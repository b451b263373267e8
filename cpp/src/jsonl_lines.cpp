// Lines, their parse, and reading a stream a block of lines at a time.
#include "jsonl_lines.hpp"

#include <stdexcept>

namespace pursuit {

void parse_range(const std::vector<std::string_view>& lines, Chunk& out, std::size_t begin, std::size_t end,
                 std::size_t first_line, bool padded) {
    out.events.reserve(end - begin);
    out.event_lines.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        const std::string_view line = lines[i];
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank
        try {
            out.events.push_back(parse_event(line, first_line + i + 1, padded));
            out.event_lines.push_back(first_line + i);
        } catch (EventError& err) {
            out.errors.emplace_back(first_line + i, std::move(err));
        }
    }
}


std::vector<std::string_view> split_lines(const std::string& text) {
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
    return lines;
}

std::optional<EventError> not_json_lines(std::string_view text) {
    const std::string_view head = text.substr(0, 4096);
    if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF" || head.find('\0') != std::string_view::npos)
        return EventError("", 1, "",
                          "the file is not UTF-8 (it holds NUL bytes or a UTF-16 byte-order mark: likely UTF-16); "
                          "convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.jsonl "
                          "(文件不是 UTF-8 编码，可能是 UTF-16：请先转换)");
    const std::size_t cr = text.find('\r');
    if (cr != std::string_view::npos && cr + 1 < text.size() && text.find('\n') == std::string_view::npos)
        return EventError("", 1, "",
                          "lines end with a carriage return alone (CR, old Mac style), not a line feed; "
                          "convert them, e.g. tr '\\r' '\\n' < FILE > FILE.jsonl (行尾只有 CR：请转换为 LF)");
    return std::nullopt;
}

namespace {
constexpr std::size_t kReadBytes = 1 << 20;
std::string_view trimmed(std::string_view line, bool first) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 byte-order mark
    return line;
}
}  // namespace

bool LineReader::fill() {
    if (end_) return false;
    const std::size_t size = buf_.size();
    buf_.resize(size + kReadBytes);
    in_.read(buf_.data() + size, static_cast<std::streamsize>(kReadBytes));
    const auto got = static_cast<std::size_t>(in_.gcount());
    buf_.resize(size + got);
    if (in_.bad()) throw std::runtime_error("read error");
    if (!in_) end_ = true;
    return got > 0 || !end_;
}

// Lines split as split_lines does: a last line without a line feed counts, an
// empty one after the last line feed does not. A block may be empty (the
// last, when the stream ended just after the one before).
bool LineReader::next(std::size_t max_lines, LineBlock& block) {
    block.lines.clear();
    block.text.clear();
    block.first_line = line_;
    if (done_) return false;
    buf_.erase(0, pos_);  // only appended to below, so offsets hold
    offset_ += pos_;
    pos_ = 0;
    block.first_offset = offset_;
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // (offset, size) of each line
    std::size_t scan = 0;
    while (spans.size() < max_lines) {
        const std::size_t nl = buf_.find('\n', scan);
        if (nl != std::string::npos) {
            spans.emplace_back(scan, nl - scan);
            scan = nl + 1;
        } else if (!fill()) {
            if (scan < buf_.size()) spans.emplace_back(scan, buf_.size() - scan);
            scan = buf_.size();
            done_ = true;
            break;
        }
    }
    if (!done_ && scan == buf_.size() && !fill()) done_ = true;
    block.last = done_;
    block.text.assign(buf_, 0, scan);
    block.text.append(kJsonPadding, ' ');
    for (const auto& [at, size] : spans)
        block.lines.push_back(trimmed(std::string_view(block.text).substr(at, size), line_ + block.lines.size() == 0));
    line_ += spans.size();
    pos_ = scan;
    return true;
}

}  // namespace pursuit
