// Batches of events from Python, converted once for the C++ batch paths
// (pipelines and the store): a JSON Lines path, a list of dicts or Events, or
// DataFrame columns. Conversion errors name the row or line and the field.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "pursuit/arrow.hpp"
#include "pursuit/json.hpp"

namespace pursuit::bindings {

// Events held in C++ (read from the store, say), handed to a pipeline
// without a Python object per event.
struct EventBatch {
    std::vector<Event> events;
};

struct Parsed {
    std::vector<Event> owned;          // events parsed here
    std::vector<const Event*> events;  // the batch, in order (owned or the caller's)
    std::vector<EventError> errors;
};

// Items are _core.Event objects (borrowed, not copied) or dicts.
Parsed parse_items(const pybind11::sequence& items);
// Items [first, last) of them, numbered from the sequence's start.
Parsed parse_items(const pybind11::sequence& items, std::size_t first, std::size_t last);
// One numpy array per column; null cells are left out of their event.
Parsed parse_columns(const pybind11::dict& columns, std::size_t rows);
// Rows [first, last) of them, numbered from the first row.
Parsed parse_columns(const pybind11::dict& columns, std::size_t rows, std::size_t first, std::size_t last);
// Borrows the batch's events.
Parsed parse_batch(const EventBatch& batch);
// Reads the file with the GIL released.
Parsed parse_jsonl(const std::string& path, bool collect);
// The Arrow C stream in a PyCapsule named "arrow_array_stream" (a TypeError or
// ValueError for another capsule, or one already read).
ArrowArrayStream& stream_of(const pybind11::capsule& stream);
// An Arrow C stream (a PyCapsule named "arrow_array_stream"), read with the GIL released.
Parsed parse_arrow(const pybind11::capsule& stream, bool collect);

}  // namespace pursuit::bindings
