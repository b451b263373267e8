// Converting Python batches to events: see inputs.hpp.
#include "inputs.hpp"

#include <pybind11/numpy.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "pursuit/arrow.hpp"
#include "py_source.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

void add(Parsed& p, std::vector<Event> events) {
    p.owned = std::move(events);
    for (const auto& e : p.owned) p.events.push_back(&e);
}

// A numpy integer of any width and signedness, as a Python int.
py::int_ whole_number(const char* cell, char kind, std::size_t size) {
    auto read = [cell](auto v) {
        std::memcpy(&v, cell, sizeof v);  // numpy cells need not be aligned
        return py::int_(v);
    };
    if (kind == 'u') {
        switch (size) {
            case 1: return read(std::uint8_t{});
            case 2: return read(std::uint16_t{});
            case 4: return read(std::uint32_t{});
            default: return read(std::uint64_t{});
        }
    }
    switch (size) {
        case 1: return read(std::int8_t{});
        case 2: return read(std::int16_t{});
        case 4: return read(std::int32_t{});
        default: return read(std::int64_t{});
    }
}

}  // namespace

// Items are _core.Event objects or dicts; a bad dict is an error naming its position.
Parsed parse_items(const py::sequence& items) { return parse_items(items, 0, py::len(items)); }

Parsed parse_items(const py::sequence& items, std::size_t first, std::size_t last) {
    Parsed p;
    std::vector<Event> owned;
    owned.reserve(last - first);  // Events are large: growing the vector would move them all, repeatedly
    p.events.reserve(last - first);
    for (std::size_t n = first + 1; n <= last; ++n) {
        const py::object item = items[n - 1];
        if (py::isinstance<Event>(item)) {
            p.events.push_back(item.cast<const Event*>());
            continue;
        }
        try {
            owned.push_back(read_event(PySource(item), n));
            p.events.push_back(nullptr);  // filled below, once `owned` stops moving
        } catch (const EventError& err) {
            p.errors.emplace_back(err.event_id(), n, err.field(), err.reason());
        }
    }
    p.owned = std::move(owned);
    std::size_t k = 0;
    for (auto& e : p.events)
        if (!e) e = &p.owned[k++];
    return p;
}

// DataFrame columns (numpy arrays) Arrow cannot type: each row becomes a dict
// of its non-null cells, read as any dict is. Whole numbers in a float column
// count as whole (pandas keeps integers with gaps as floats), as in a table.
Parsed parse_columns(const py::dict& columns, std::size_t rows) { return parse_columns(columns, rows, 0, rows); }

Parsed parse_columns(const py::dict& columns, std::size_t rows, std::size_t first, std::size_t last) {
    // What each cell needs, looked up once per column rather than per cell.
    struct Column {
        py::str key;
        py::array array;
        char kind;
        std::size_t itemsize, stride;
        const char* data;
    };
    std::vector<Column> cols;
    for (auto item : columns) {
        auto arr = py::reinterpret_borrow<py::array>(item.second);
        if (arr.ndim() != 1 || static_cast<std::size_t>(arr.shape(0)) < rows)
            throw EventError("", 0, py::str(item.first).cast<std::string>(), "column is not one value per row");
        const char kind = arr.dtype().kind();
        if (std::string("OMfiub").find(kind) == std::string::npos)
            throw EventError("", 0, py::str(item.first).cast<std::string>(),
                             "column of dtype " + std::string(py::str(arr.dtype())) + " is not supported");
        cols.push_back({py::str(item.first), arr, kind, static_cast<std::size_t>(arr.itemsize()),
                        static_cast<std::size_t>(arr.strides(0)), static_cast<const char*>(arr.data())});
    }
    Parsed p;
    std::vector<Event> owned;
    owned.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) {
        py::dict row;
        for (const Column& c : cols) {
            const char* cell = c.data + i * c.stride;
            if (c.kind == 'O') {
                PyObject* obj = *reinterpret_cast<PyObject* const*>(cell);
                if (obj != Py_None) row[c.key] = py::reinterpret_borrow<py::object>(obj);
            } else if (c.kind == 'M') {  // datetime64[ns], UTC
                const std::int64_t ns = *reinterpret_cast<const std::int64_t*>(cell);
                if (ns != INT64_MIN) row[c.key] = py::str(format_timestamp(ns / 1000));
            } else if (c.kind == 'f') {
                const double d = c.itemsize == 8 ? *reinterpret_cast<const double*>(cell)
                                                 : *reinterpret_cast<const float*>(cell);
                if (std::isnan(d)) continue;
                if (const auto whole = whole_float(d)) row[c.key] = py::int_(*whole);
                else row[c.key] = py::float_(d);
            } else if (c.kind == 'b') {
                row[c.key] = py::bool_(*reinterpret_cast<const bool*>(cell));
            } else {
                row[c.key] = whole_number(cell, c.kind, c.itemsize);
            }
        }
        try {
            owned.push_back(read_event(PySource(row), i + 1));
        } catch (const EventError& err) {
            p.errors.emplace_back(err.event_id(), i + 1, err.field(), err.reason());
        }
    }
    add(p, std::move(owned));
    return p;
}

Parsed parse_batch(const EventBatch& batch) {
    Parsed p;
    p.events.reserve(batch.events.size());
    for (const auto& e : batch.events) p.events.push_back(&e);
    return p;
}

Parsed parse_jsonl(const std::string& path, bool collect) {
    Parsed p;
    py::gil_scoped_release release;
    JsonlResult r = read_jsonl_file(path, collect ? OnError::collect : OnError::raise);
    p.errors = std::move(r.errors);
    add(p, std::move(r.events));
    return p;
}

ArrowArrayStream& stream_of(const py::capsule& stream) {
    if (std::strcmp(stream.name(), "arrow_array_stream") != 0)
        throw py::type_error("expected an Arrow C stream capsule (from __arrow_c_stream__)");
    auto* s = stream.get_pointer<ArrowArrayStream>();
    if (!s || !s->release) throw py::value_error("the Arrow stream was already consumed");
    return *s;
}

Parsed parse_arrow(const py::capsule& stream, bool collect) {
    ArrowArrayStream* s = &stream_of(stream);
    Parsed p;
    ArrowEvents r;
    {
        py::gil_scoped_release release;  // a producer that needs Python takes the GIL itself
        r = read_arrow_stream(*s, collect ? OnError::collect : OnError::raise);
    }
    p.errors = std::move(r.errors);
    add(p, std::move(r.events));
    return p;
}

}  // namespace pursuit::bindings
