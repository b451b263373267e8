#include "pyjson.hpp"

#include <cmath>
#include <string>

#include "pursuit/json.hpp"

namespace py = pybind11;

namespace pursuit::py_json {
namespace {

[[noreturn]] void fail(const std::string& field, const std::string& reason) {
    throw EventError("", 0, field, reason);
}

nlohmann::json convert(py::handle v, const std::string& field, std::size_t depth) {
    if (depth > Limits::depth) fail(field, "nesting deeper than " + std::to_string(Limits::depth) + " levels");
    if (v.is_none()) return nullptr;
    if (PyBool_Check(v.ptr())) return v.cast<bool>();
    if (PyLong_Check(v.ptr())) {
        int overflow = 0;
        const long long n = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
        if (overflow != 0) fail(field, "integer out of range");
        return n;
    }
    if (PyFloat_Check(v.ptr())) {
        const double d = v.cast<double>();
        return std::isnan(d) ? nlohmann::json(nullptr) : nlohmann::json(d);
    }
    if (PyUnicode_Check(v.ptr())) {
        Py_ssize_t size = 0;
        const char* data = PyUnicode_AsUTF8AndSize(v.ptr(), &size);
        if (!data) {
            PyErr_Clear();
            fail(field, "text is not valid Unicode (lone surrogate?)");
        }
        return std::string(data, static_cast<std::size_t>(size));
    }
    if (PyDict_Check(v.ptr())) {
        // The raw dict walk (borrowed references, no casts): a batch of dicts spends its time here.
        nlohmann::json out = nlohmann::json::object();
        auto& object = out.get_ref<nlohmann::json::object_t&>();
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(v.ptr(), &pos, &key, &value)) {
            if (!PyUnicode_Check(key)) fail(field, "dictionary keys must be strings");
            Py_ssize_t size = 0;
            const char* data = PyUnicode_AsUTF8AndSize(key, &size);
            if (!data) {
                PyErr_Clear();
                fail(field, "a dictionary key is not valid Unicode (lone surrogate?)");
            }
            std::string name(data, static_cast<std::size_t>(size));
            nlohmann::json item = convert(value, field.empty() ? name : field + "." + name, depth + 1);
            object.insert_or_assign(std::move(name), std::move(item));
        }
        return out;
    }
    if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
        nlohmann::json out = nlohmann::json::array();
        std::size_t i = 0;
        for (auto item : py::reinterpret_borrow<py::sequence>(v))
            out.push_back(convert(item, field + "[" + std::to_string(i++) + "]", depth + 1));
        return out;
    }
    auto plain = plain_form(v);
    if (!plain.problem.empty()) fail(field, plain.problem);
    return convert(plain.value, field, depth + 1);
}

}  // namespace

nlohmann::json from_python(py::handle value, const std::string& field) { return convert(value, field, 0); }

PlainForm plain_form(py::handle v) {
    const std::string type = py::str(py::type::of(v).attr("__name__"));
    if (type == "NAType" || type == "NaTType") return {py::none(), {}};
    try {
        // An ndarray has __index__ too: int() refuses it, and it has no plain form.
        if (py::hasattr(v, "__index__")) return {py::int_(py::reinterpret_borrow<py::object>(v)), {}};
        if (py::hasattr(v, "dtype") && py::hasattr(v, "item")) {
            // numpy.longdouble.item() is a longdouble again: that one goes through float.
            py::object item = v.attr("item")();
            if (!py::type::of(item).is(py::type::of(v))) return {std::move(item), {}};
        }
        if (py::hasattr(v, "isoformat")) {  // datetime (aware) or date
            if (py::hasattr(v, "tzinfo") && v.attr("tzinfo").is_none())
                return {{}, "datetime has no time zone: give an aware datetime"};
            return {v.attr("isoformat")(), {}};
        }
        if (PyNumber_Check(v.ptr()) && py::hasattr(v, "__float__"))
            return {py::float_(py::reinterpret_borrow<py::object>(v)), {}};
    } catch (const py::error_already_set& err) {
        return {{}, "a value of type " + type + " cannot be read: " + err.what()};
    }
    return {{}, "a value of type " + type + " has no JSON form"};
}

py::object to_python(const nlohmann::ordered_json& v) {
    switch (v.type()) {
        case nlohmann::ordered_json::value_t::null: return py::none();
        case nlohmann::ordered_json::value_t::boolean: return py::bool_(v.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer: return py::int_(v.get<std::int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned: return py::int_(v.get<std::uint64_t>());
        case nlohmann::ordered_json::value_t::number_float: return py::float_(v.get<double>());
        case nlohmann::ordered_json::value_t::string: return py::str(v.get_ref<const std::string&>());
        case nlohmann::ordered_json::value_t::array: {
            py::list out;
            for (const auto& item : v) out.append(to_python(item));
            return std::move(out);
        }
        case nlohmann::ordered_json::value_t::object: {
            py::dict out;
            for (const auto& item : v.items()) out[py::str(item.key())] = to_python(item.value());
            return std::move(out);
        }
        default: return py::none();
    }
}

}  // namespace pursuit::py_json
