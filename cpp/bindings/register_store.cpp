// The event store: ingest batches from any Python input with the GIL released,
// and read the log back as an EventBatch for a pipeline.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>

#include "block_feed.hpp"
#include "inputs.hpp"
#include "pursuit/pieces.hpp"
#include "pursuit/store.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<py::object> store_error_type;

// `collect_conflicts`: what to do with an id already stored with other content.
IngestOptions options_for(bool collect_conflicts, std::size_t batch_size, const std::string& source,
                          const py::object& progress) {
    IngestOptions options;
    options.batch_size = batch_size;
    options.on_error = collect_conflicts ? OnError::collect : OnError::raise;
    options.source = source;
    if (!progress.is_none())
        options.progress = [&progress](std::size_t done, std::size_t total) {
            py::gil_scoped_acquire acquire;
            progress(done, total);
        };
    return options;
}

py::list messages(const std::vector<StoreError>& errors) {
    py::list out;
    for (const auto& e : errors) out.append(py::str(e.what()));
    return out;
}

py::dict summary(const IngestResult& r, const std::vector<EventError>& input_errors) {
    py::list errors, conflicts;
    for (const auto& err : input_errors) errors.append(event_error(err));
    for (const auto& err : r.conflicts) conflicts.append(event_error(err));
    py::dict out;
    out["inserted"] = r.inserted;
    out["duplicates"] = r.duplicates;
    out["batches"] = r.batches;
    out["errors"] = errors;
    out["conflicts"] = conflicts;
    return out;
}

// Python's events (dicts, Events, a frame's columns) converted a slice at a
// time, with the GIL taken for each: only a few slices' events exist at once.
class PythonFeed final : public BlockFeed {
public:
    using Convert = std::function<Parsed(std::size_t first, std::size_t last)>;
    PythonFeed(Convert convert, std::size_t rows, OnError on_error)
        : BlockFeed(on_error), convert_(std::move(convert)), rows_(rows) {}

private:
    struct Slice : Block {
        Parsed parsed;
    };

    std::optional<std::size_t> upper_bound() override { return rows_; }

    void read_block() override {
        const std::size_t last = std::min(rows_, read_ + kPieceEvents);
        auto block = std::make_unique<Slice>();
        {
            py::gil_scoped_acquire acquire;
            block->parsed = convert_(read_, last);
        }
        read_ = last;
        ended_ = read_ == rows_;
        for (auto& err : block->parsed.errors) report(std::move(err));  // collect only: raise has thrown
        block->taken = std::move(block->parsed.events);  // into `parsed.owned`, which a move keeps in place
        add(std::move(block));
    }

    Convert convert_;
    std::size_t rows_, read_ = 0;
};

// An input read while the store writes: `make_feed(on_error)` is called, and
// the feed read, with the GIL released.
template <class MakeFeed>
py::dict ingest_fed(Store& store, MakeFeed make_feed, bool collect_errors, bool collect_conflicts,
                    std::size_t batch_size, const std::string& source, const py::object& progress) {
    const IngestOptions options = options_for(collect_conflicts, batch_size, source, progress);
    IngestResult r;
    {
        py::gil_scoped_release release;  // a producer that needs Python takes the GIL itself
        const auto feed = make_feed(collect_errors ? OnError::collect : OnError::raise);
        r = store.ingest(*feed, options);
    }
    return summary(r, r.errors);
}

}  // namespace

void register_store(py::module_& m) {
    store_error_type.call_once_and_store_result([&] {
        py::dict ns;
        ns["__doc__"] = "The store cannot be opened or used: .path names the file, .reason says why.";
        ns["__module__"] = "pursuit";
        return py::reinterpret_steal<py::object>(PyErr_NewException("pursuit.StoreError", PyExc_RuntimeError, ns.ptr()));
    });
    m.attr("StoreError") = store_error_type.get_stored();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const StoreError& err) {
            py::object error = store_error_type.get_stored()(err.what());
            error.attr("path") = err.path();
            error.attr("reason") = err.reason();
            PyErr_SetObject(store_error_type.get_stored().ptr(), error.ptr());
        }
    });

    py::class_<Store>(m, "Store")
        .def(py::init([](const std::string& path, bool read_only, std::int64_t busy_timeout_ms) {
                 py::gil_scoped_release release;  // opening may wait for a writer's lock
                 return std::make_unique<Store>(path, read_only ? Store::Mode::read_only : Store::Mode::read_write,
                                                std::chrono::milliseconds(busy_timeout_ms));
             }),
             py::arg("path"), py::arg("read_only") = false,
             py::arg("busy_timeout_ms") = Store::default_busy_timeout.count())
        .def_property_readonly_static("default_busy_timeout_ms",
                                      [](py::object) { return Store::default_busy_timeout.count(); })
        .def_property_readonly("path", &Store::path)
        .def_property_readonly_static("schema_version", [](py::object) { return Store::schema_version; })
        .def("ingest_items",
             [](Store& s, const py::sequence& items, bool collect_errors, bool collect_conflicts, std::size_t batch_size,
                const std::string& source, const py::object& progress) {
                 const auto convert = [&items](std::size_t first, std::size_t last) {
                     return parse_items(items, first, last);
                 };
                 const std::size_t rows = py::len(items);
                 return ingest_fed(s, [&](OnError on_error) { return std::make_unique<PythonFeed>(convert, rows, on_error); },
                                   collect_errors, collect_conflicts, batch_size, source, progress);
             })
        .def("ingest_columns",
             [](Store& s, const py::dict& columns, std::size_t rows, bool collect_errors, bool collect_conflicts,
                std::size_t batch_size, const std::string& source, const py::object& progress) {
                 const auto convert = [&columns, rows](std::size_t first, std::size_t last) {
                     return parse_columns(columns, rows, first, last);
                 };
                 return ingest_fed(s, [&](OnError on_error) { return std::make_unique<PythonFeed>(convert, rows, on_error); },
                                   collect_errors, collect_conflicts, batch_size, source, progress);
             })
        .def("ingest_arrow",
             [](Store& s, const py::capsule& stream, bool collect_errors, bool collect_conflicts,
                std::size_t batch_size, const std::string& source, const py::object& progress,
                std::optional<std::size_t> rows) {
                 ArrowArrayStream& in = stream_of(stream);  // a slice of rows at a time (arrow_feed)
                 return ingest_fed(s, [&](OnError on_error) { return arrow_feed(in, on_error, rows); }, collect_errors,
                                   collect_conflicts, batch_size, source, progress);
             },
             py::arg("stream"), py::arg("collect_errors"), py::arg("collect_conflicts"), py::arg("batch_size"),
             py::arg("source"), py::arg("progress"), py::arg("rows") = py::none())
        .def("ingest_jsonl",
             [](Store& s, const std::string& path, bool collect_errors, bool collect_conflicts, std::size_t batch_size,
                const std::string& source, const py::object& progress) {
                 // A block of lines at a time (jsonl_feed).
                 return ingest_fed(s, [&](OnError on_error) { return jsonl_feed(path, on_error); }, collect_errors,
                                   collect_conflicts, batch_size, source, progress);
             })
        // (events, messages of the rows set aside); with collect=False an unreadable row raises.
        .def("events",
             [](const Store& s, std::optional<std::int64_t> as_of_us, bool collect) {
                 std::vector<StoreError> unreadable;
                 EventBatch batch;
                 {
                     py::gil_scoped_release release;
                     batch.events = s.events(as_of_us, collect ? &unreadable : nullptr);
                 }
                 return py::make_tuple(std::move(batch), messages(unreadable));
             },
             py::arg("as_of_us") = py::none(), py::arg("collect") = false)
        .def("events_of",
             [](const Store& s, const std::string& opportunity, std::optional<std::int64_t> as_of_us, bool collect) {
                 std::vector<StoreError> unreadable;
                 EventBatch batch;
                 {
                     py::gil_scoped_release release;
                     batch.events = s.events_of(opportunity, as_of_us, collect ? &unreadable : nullptr);
                 }
                 return py::make_tuple(std::move(batch), messages(unreadable));
             },
             py::arg("opportunity"), py::arg("as_of_us") = py::none(), py::arg("collect") = false)
        .def("stats",
             [](const Store& s) {
                 const StoreStats st = s.stats();
                 py::dict d;
                 d["events"] = st.events;
                 d["opportunities"] = st.opportunities;
                 d["batches"] = st.batches;
                 d["first_at_us"] = st.first_at;
                 d["last_at_us"] = st.last_at;
                 return d;
             })
        .def("setting", &Store::setting, py::arg("key"))
        .def("set_setting", &Store::set_setting, py::arg("key"), py::arg("value"));
}

}  // namespace pursuit::bindings
