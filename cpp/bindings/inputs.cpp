// Converting Python batches to events: see inputs.hpp.
#include "inputs.hpp"

#include <pybind11/numpy.h>

#include <cmath>
#include <cstdint>

#include "pyjson.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

void add(Parsed& p, std::vector<Event> events) {
    p.owned = std::move(events);
    for (const auto& e : p.owned) p.events.push_back(&e);
}

}  // namespace

// Items are _core.Event objects or dicts; a bad dict is an error naming its position.
Parsed parse_items(const py::sequence& items) {
    Parsed p;
    std::vector<Event> owned;
    std::vector<std::pair<std::size_t, const Event*>> borrowed;
    std::size_t n = 0;
    for (auto item : items) {
        ++n;
        if (py::isinstance<Event>(item)) {
            p.events.push_back(item.cast<const Event*>());
            continue;
        }
        try {
            nlohmann::json j = py_json::from_python(item);
            owned.push_back(event_from_json(j, n));
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

// DataFrame columns (numpy arrays): one JSON object per row, null cells left
// out, then the same strict parser as every other input.
Parsed parse_columns(const py::dict& columns, std::size_t rows) {
    std::vector<std::pair<std::string, py::array>> cols;
    for (auto item : columns) cols.emplace_back(item.first.cast<std::string>(), py::reinterpret_borrow<py::array>(item.second));
    Parsed p;
    std::vector<Event> owned;
    owned.reserve(rows);
    std::vector<std::size_t> row_of;
    for (std::size_t i = 0; i < rows; ++i) {
        nlohmann::json j = nlohmann::json::object();
        try {
            for (auto& [key, arr] : cols) {
                const char kind = arr.dtype().kind();
                const char* cell = static_cast<const char*>(arr.data()) + i * static_cast<std::size_t>(arr.strides(0));
                if (kind == 'O') {
                    PyObject* obj = *reinterpret_cast<PyObject* const*>(cell);
                    nlohmann::json v = py_json::from_python(obj);
                    if (!v.is_null()) j[key] = std::move(v);
                } else if (kind == 'M') {  // datetime64[ns], UTC
                    const std::int64_t ns = *reinterpret_cast<const std::int64_t*>(cell);
                    if (ns != INT64_MIN) j[key] = format_timestamp(ns / 1000);
                } else if (kind == 'f') {
                    const double d = arr.itemsize() == 8 ? *reinterpret_cast<const double*>(cell)
                                                         : *reinterpret_cast<const float*>(cell);
                    // pandas stores whole numbers with gaps as floats: give them back as integers
                    if (std::isnan(d)) continue;
                    if (d == std::floor(d) && std::fabs(d) < 9.0e15) j[key] = static_cast<std::int64_t>(d);
                    else j[key] = d;
                } else if (kind == 'i' && arr.itemsize() == 8) {
                    j[key] = *reinterpret_cast<const std::int64_t*>(cell);
                } else if (kind == 'b') {
                    j[key] = *reinterpret_cast<const bool*>(cell);
                } else {
                    throw EventError("", 0, key, "column of dtype " + std::string(py::str(arr.dtype())) + " is not supported");
                }
            }
            owned.push_back(event_from_json(j, i + 1));
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

}  // namespace pursuit::bindings
