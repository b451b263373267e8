// Playbooks: load and validate JSON, write it back, add Python callables as
// custom requirements (evaluated by the C++ guards, with the GIL taken).
#include <pybind11/stl.h>

#include "pyjson.hpp"
#include "records.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<py::object> playbook_error_type;

CustomCheck python_check(py::function fn) {
    // The callable may outlive the GIL-holding scope it came from (a batch on
    // worker threads): release it under the GIL.
    std::shared_ptr<py::object> holder(new py::object(std::move(fn)), [](py::object* o) {
        py::gil_scoped_acquire gil;
        delete o;
    });
    return [holder](const Opportunity& opp) {
        py::gil_scoped_acquire gil;
        py::object result = (*holder)(py::cast(&opp, py::return_value_policy::reference));
        const int truth = PyObject_IsTrue(result.ptr());
        if (truth < 0) throw py::error_already_set();
        return truth == 1;
    };
}

Bilingual bilingual(const py::dict& d, const char* what) {
    if (!d.contains("en") || !d.contains("zh")) throw py::value_error(std::string(what) + " needs 'en' and 'zh'");
    return {d["en"].cast<std::string>(), d["zh"].cast<std::string>()};
}

}  // namespace

py::dict requirement_dict(const Requirement& q) {
    py::dict d;
    d["code"] = q.code;
    d["kind"] = id_str(q.kind);
    d["text"] = py::dict(py::arg("en") = q.text.en, py::arg("zh") = q.text.zh);
    d["action"] = py::dict(py::arg("en") = q.action.en, py::arg("zh") = q.action.zh);
    return d;
}

void register_playbook(py::module_& m) {
    playbook_error_type.call_once_and_store_result([&] {
        py::dict ns;
        ns["__doc__"] = "A playbook document that does not validate: .path (a JSON Pointer) and .reason.";
        ns["__module__"] = "pursuit";
        return py::reinterpret_steal<py::object>(PyErr_NewException("pursuit.PlaybookError", PyExc_ValueError, ns.ptr()));
    });
    m.attr("PlaybookError") = playbook_error_type.get_stored();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const PlaybookError& err) {
            py::object error = playbook_error_type.get_stored()(err.what());
            error.attr("path") = err.path();
            error.attr("reason") = err.reason();
            PyErr_SetObject(playbook_error_type.get_stored().ptr(), error.ptr());
        }
    });

    py::class_<Playbook, std::shared_ptr<Playbook>>(m, "Playbook")
        .def_static("default", [] { return std::make_shared<Playbook>(*Playbook::default_playbook()); })
        .def_static("from_json", [](py::handle text) {
            // str or bytes; a lone surrogate in a str is the document's error, not a TypeError.
            if (PyBytes_Check(text.ptr())) return std::make_shared<Playbook>(Playbook::parse(text.cast<std::string>()));
            if (!PyUnicode_Check(text.ptr())) throw py::type_error("Playbook.from_json takes str or bytes");
            Py_ssize_t size = 0;
            const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
            if (!data) {
                PyErr_Clear();
                throw PlaybookError("", "the text is not valid Unicode (a lone surrogate?)");
            }
            return std::make_shared<Playbook>(Playbook::parse(std::string(data, static_cast<std::size_t>(size))));
        })
        .def_static("from_dict", [](py::handle d) {
            nlohmann::json doc;
            try {
                doc = py_json::from_python(d);
            } catch (const EventError& err) {
                throw PlaybookError("/" + err.field(), err.reason());
            }
            return std::make_shared<Playbook>(Playbook::from_json(doc));
        })
        .def("to_dict", [](const Playbook& p) { return py_json::to_python(p.to_json()); })
        .def_property_readonly("name", &Playbook::name)
        .def("gate", [](const Playbook& p, const std::string& gate) {
            const auto g = parse_id<Gate>(gate);
            if (!g) throw py::value_error("unknown gate '" + gate + "'; expected one of " + expected_ids<Gate>());
            py::list out;
            for (const auto& q : p.gate(*g)) out.append(requirement_dict(q));
            return out;
        })
        .def("add_custom", [](Playbook& p, const std::string& gate, const std::string& code, const py::dict& text,
                              const py::dict& action, py::function check) {
            const auto g = parse_id<Gate>(gate);
            if (!g) throw py::value_error("unknown gate '" + gate + "'; expected one of " + expected_ids<Gate>());
            p.add_custom(*g, code, bilingual(text, "text"), bilingual(action, "action"), python_check(std::move(check)));
        });
}

}  // namespace pursuit::bindings
