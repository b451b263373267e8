// Events: parsing from dicts and JSON text, the canonical form back, and the
// JSON Lines reader (which runs without the GIL).
#include <sstream>

#include <pybind11/stl.h>

#include "inputs.hpp"
#include "py_source.hpp"
#include "pyjson.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

Event from_dict(py::handle value) { return read_event(PySource(value), 0); }

py::tuple jsonl_result(JsonlResult result) {
    py::list errors;
    for (const auto& err : result.errors) errors.append(event_error(err));
    return py::make_tuple(py::cast(std::move(result.events)), errors, result.lines);
}

OnError on_error(bool collect) { return collect ? OnError::collect : OnError::raise; }

// JSON text from Python: str (UTF-8 of it) or bytes; a str with a lone
// surrogate is the text's error, not a TypeError.
std::string json_text(py::handle text, const char* what) {
    if (PyBytes_Check(text.ptr())) return text.cast<std::string>();
    if (!PyUnicode_Check(text.ptr())) throw py::type_error(std::string(what) + " takes str or bytes");
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (!data) {
        PyErr_Clear();
        throw EventError("", 1, "", "the text is not valid Unicode (a lone surrogate?) / 文本不是有效的 Unicode");
    }
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

void register_events(py::module_& m) {
    py::class_<Event>(m, "Event", "One event, parsed and validated (see docs/events.md).")
        .def(py::init([](py::handle value) {
                 if (py::isinstance<Event>(value)) return value.cast<Event>();
                 if (PyUnicode_Check(value.ptr())) return parse_event(json_text(value, "Event"));
                 if (PyDict_Check(value.ptr())) return from_dict(value);
                 throw py::type_error("an event is a dict or a JSON string, not " +
                                      py::str(py::type::of(value).attr("__name__")).cast<std::string>());
             }),
             py::arg("value"))
        .def_static("from_dict", &from_dict, py::arg("value"))
        .def_static("from_json", [](py::handle text) { return parse_event(json_text(text, "Event.from_json")); },
                    py::arg("text"))
        .def("to_dict", [](const Event& e) { return py_json::to_python(to_json(e)); })
        .def("to_json", &to_json_line)
        .def_property_readonly("id", [](const Event& e) { return e.id; })
        .def_property_readonly("opportunity", [](const Event& e) { return e.opportunity; })
        .def_property_readonly("at_us", [](const Event& e) { return e.at; }, "UTC microseconds since 1970")
        .def_property_readonly("type_id", [](const Event& e) { return to_id(e.type()); })
        .def_property_readonly("actor", [](const Event& e) { return e.actor; })
        .def_property_readonly("note", [](const Event& e) { return e.note; })
        .def("__eq__", [](const Event& a, const Event& b) { return a == b; }, py::is_operator())
        .def(py::pickle([](const Event& e) { return to_json_line(e); },
                        [](const std::string& text) { return parse_event(text); }));

    py::class_<EventBatch>(m, "EventBatch", "Events held in C++, ready for a pipeline.")
        .def("__len__", [](const EventBatch& b) { return b.events.size(); })
        .def("to_list", [](const EventBatch& b) { return py::cast(b.events); });

    m.def(
        "read_jsonl",
        [](const std::string& path, bool collect) {
            JsonlResult result;
            {
                py::gil_scoped_release release;
                result = read_jsonl_file(path, on_error(collect));
            }
            return jsonl_result(std::move(result));
        },
        py::arg("path"), py::arg("collect") = false, "(events, errors, lines) of a JSON Lines file.");
    m.def(
        "parse_jsonl",
        [](py::handle text, bool collect) {
            std::string bytes;
            try {
                bytes = json_text(text, "parse_jsonl");
            } catch (EventError& err) {
                if (!collect) throw;
                JsonlResult result;
                result.errors.push_back(std::move(err));
                result.lines = 1;
                return jsonl_result(std::move(result));
            }
            std::istringstream in(bytes);
            return jsonl_result(read_jsonl(in, on_error(collect)));
        },
        py::arg("text"), py::arg("collect") = false, "(events, errors, lines) of JSON Lines text.");
}

}  // namespace pursuit::bindings
