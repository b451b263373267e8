#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<py::object> event_error_type;

py::object none_if(bool empty, py::object value) { return empty ? py::none() : std::move(value); }

}  // namespace

py::object event_error(const EventError& err) {
    py::object error = event_error_type.get_stored()(err.what());
    error.attr("event_id") = none_if(err.event_id().empty(), py::str(err.event_id()));
    error.attr("line") = none_if(err.line() == 0, py::int_(err.line()));
    error.attr("field") = none_if(err.field().empty(), py::str(err.field()));
    error.attr("reason") = py::str(err.reason());
    return error;
}

void register_errors(py::module_& m) {
    event_error_type.call_once_and_store_result([&] {
        py::dict ns;
        ns["__doc__"] = "A bad event: .event_id, .line (in a JSON Lines file), .field and .reason say "
                        "which event, where, and what is wrong.";
        ns["__module__"] = "pursuit";
        return py::reinterpret_steal<py::object>(
            PyErr_NewException("pursuit.EventError", PyExc_ValueError, ns.ptr()));
    });
    m.attr("EventError") = event_error_type.get_stored();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const EventError& err) {
            py::object error = event_error(err);
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
        }
    });
}

}  // namespace pursuit::bindings

PYBIND11_MODULE(_core, m) {
    m.doc() = "pursuit's compiled core: the method's vocabulary, events and engine.";
    pursuit::bindings::register_errors(m);
    pursuit::bindings::register_vocabulary(m);
    pursuit::bindings::register_events(m);
    pursuit::bindings::register_playbook(m);
    pursuit::bindings::register_opportunity(m);
    pursuit::bindings::register_pipeline(m);
    pursuit::bindings::register_store(m);
    pursuit::bindings::register_assessment(m);
}
