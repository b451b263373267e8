// Events from Arrow columns through the Arrow C Data Interface: any producer
// (pyarrow, polars, DuckDB, a Parquet reader) hands over a stream of record
// batches, and each row is read as one event by the same reader as JSON text.
// Nothing links Arrow: the interface is these plain C structs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pursuit/json.hpp"

extern "C" {
// The Arrow C data and stream interfaces, as the Arrow specification defines
// them (https://arrow.apache.org/docs/format/CDataInterface.html); the guards
// let another definition of the same ABI come first.
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4
struct ArrowSchema {
    const char* format;
    const char* name;
    const char* metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema** children;
    struct ArrowSchema* dictionary;
    void (*release)(struct ArrowSchema*);
    void* private_data;
};
struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void** buffers;
    struct ArrowArray** children;
    struct ArrowArray* dictionary;
    void (*release)(struct ArrowArray*);
    void* private_data;
};
#endif
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE
struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
    int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
    const char* (*get_last_error)(struct ArrowArrayStream*);
    void (*release)(struct ArrowArrayStream*);
    void* private_data;
};
#endif
}

namespace pursuit {

struct ArrowEvents {
    std::vector<Event> events;       // the valid rows' events, in row order
    std::vector<EventError> errors;  // empty unless OnError::collect found some
    std::size_t rows = 0;
};

// Reads every batch of `stream` (which stays the caller's to release). Each
// column is a field of docs/events.md: strings (also large, view or
// dictionary-encoded), numbers of any width, booleans, timestamps with a time
// zone (any unit), dates, lists of strings and structs (segments). A null
// cell is an absent field. Errors name the row (1-based, as `line`), the
// event id and the column; a column of a type no field can hold is an error
// for the whole stream.
ArrowEvents read_arrow_stream(ArrowArrayStream& stream, OnError on_error = OnError::raise);
// A float cell that holds a whole number reads as that integer, in a table
// as from a DataFrame: pandas keeps integer columns with gaps as floats.
// Past 2^53 a float is not exact, so it is not whole.
inline std::optional<std::int64_t> whole_float(double d) {
    if (d != std::floor(d) || !(std::fabs(d) < 9.0e15)) return std::nullopt;
    return static_cast<std::int64_t>(d);
}
// The same a slice of up to `rows` rows at a time, when asked: next() fills
// `out` with the next slice's events and errors (`out.rows` counts the rows
// read so far: pass the same `out` each time) and is false at the end. The
// constructor reads the schema; both throw EventError as read_arrow_stream.
class ArrowPieces {
public:
    ArrowPieces(ArrowArrayStream& stream, OnError on_error, std::size_t rows);
    ~ArrowPieces();
    ArrowPieces(const ArrowPieces&) = delete;
    ArrowPieces& operator=(const ArrowPieces&) = delete;
    bool next(ArrowEvents& out);

private:
    struct State;
    std::unique_ptr<State> s_;
};
// The same a slice of up to `rows` rows at a time: `piece` gets each slice's
// events and errors (`rows` counts the rows read so far) and returns false to stop.
void read_arrow_pieces(ArrowArrayStream& stream, OnError on_error, std::size_t rows,
                       const std::function<bool(ArrowEvents&)>& piece);

// Text appended row by row straight into Arrow's large_string layout, so a
// column of millions of rows holds no string per row; with `empty_is_null`,
// "" is a null.
class TextColumn {
public:
    explicit TextColumn(std::size_t rows = 0, bool empty_is_null = false);
    void push_back(std::string_view text);
    // Another column's rows after these (columns built apart, say on several
    // threads); with `empty_is_null`, size() must be a multiple of 8.
    void append(const TextColumn& more);
    std::size_t size() const { return rows_; }

    struct Parts {  // the Arrow buffers, for the table builder
        std::vector<std::uint8_t> offsets, data, validity;
        std::size_t rows;
        std::int64_t nulls;
    };
    Parts parts() &&;

private:
    std::vector<std::uint8_t> offsets_, data_, validity_;
    std::size_t rows_ = 0;
    std::int64_t nulls_ = 0;
    bool empty_is_null_;
};

// A table built in C++ and handed to Arrow (to_arrow): columns of one length,
// exported as a stream of one record batch that owns their memory.
class ArrowTableBuilder {
public:
    explicit ArrowTableBuilder(std::size_t rows);
    ~ArrowTableBuilder();
    ArrowTableBuilder(ArrowTableBuilder&&) noexcept;

    // Text (large_string); with `empty_is_null`, "" is a null.
    void strings(std::string name, const std::vector<std::string>& values, bool empty_is_null = false);
    void strings(std::string name, TextColumn values);
    // Vocabulary codes as a dictionary column over `labels` (ordered); -1 is a null.
    void codes(std::string name, const std::vector<std::int8_t>& codes, const std::vector<std::string>& labels);
    void float64(std::string name, const std::vector<double>& values);  // NaN stays NaN
    void int32(std::string name, const std::vector<std::int32_t>& values);
    void booleans(std::string name, const std::vector<std::uint8_t>& values);
    // UTC microseconds (timestamp[us, UTC]) and days (date32); INT64_MIN is a null.
    void timestamps(std::string name, const std::vector<std::int64_t>& micros);
    void dates(std::string name, const std::vector<std::int64_t>& days);

    // Moves the columns into `out` (which the consumer releases).
    void export_stream(ArrowArrayStream& out) &&;

    struct Column;

private:
    std::size_t rows_;
    std::vector<std::unique_ptr<Column>> columns_;
};

}  // namespace pursuit
