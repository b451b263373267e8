// A Python value as a source for the event reader (cpp/src/event_reader.hpp):
// dicts from notebooks become events without a JSON round trip. Holds the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "event_reader.hpp"
#include "pyjson.hpp"

namespace pursuit::bindings {

class PySource {
public:
    explicit PySource(pybind11::handle v) { take(v); }

    JsonKind kind() const { return kind_; }
    bool boolean() const { return boolean_; }
    double number() const { return number_; }
    bool is_integer() const { return integer_.has_value(); }
    std::int64_t integer() const { return integer_.value_or(0); }
    std::string_view string() const { return text_; }
    std::string reason() const { return reason_; }
    std::size_t size() const { return kind_ == JsonKind::object ? items_.size() : static_cast<std::size_t>(PySequence_Fast_GET_SIZE(held_.ptr())); }

    std::optional<PySource> find(std::string_view key) const {
        for (const auto& [k, v] : items_)
            if (k == key) return PySource(v);
        return std::nullopt;
    }
    template <class F>
    void each(F f) const {
        PyObject** items = PySequence_Fast_ITEMS(held_.ptr());
        for (Py_ssize_t i = 0, n = PySequence_Fast_GET_SIZE(held_.ptr()); i < n; ++i) f(PySource(items[i]));
    }
    template <class F>
    void items(F f) const {
        for (const auto& [k, v] : items_) f(k, PySource(v));
    }
    std::optional<Timestamp> instant() const { return std::nullopt; }  // times are text
    template <class F>
    void keys(F f) const {
        for (const auto& item : items_) f(item.first);
    }

private:
    void invalid(std::string why) {
        kind_ = JsonKind::invalid;
        reason_ = std::move(why);
    }
    // UTF-8 of a str, kept by the str itself; nullopt for a lone surrogate.
    static std::optional<std::string_view> utf8(PyObject* s) {
        Py_ssize_t size = 0;
        const char* data = PyUnicode_AsUTF8AndSize(s, &size);
        if (!data) {
            PyErr_Clear();
            return std::nullopt;
        }
        return std::string_view(data, static_cast<std::size_t>(size));
    }

    void take(pybind11::handle v) {
        namespace py = pybind11;
        PyObject* o = v.ptr();
        if (o == Py_None) {
            kind_ = JsonKind::null;
        } else if (PyBool_Check(o)) {
            kind_ = JsonKind::boolean;
            boolean_ = o == Py_True;
        } else if (PyLong_Check(o)) {
            kind_ = JsonKind::number;
            int overflow = 0;
            const long long n = PyLong_AsLongLongAndOverflow(o, &overflow);
            integer_ = overflow > 0 ? INT64_MAX : overflow < 0 ? INT64_MIN : n;
            number_ = PyLong_AsDouble(o);
            if (number_ == -1.0 && PyErr_Occurred()) {  // beyond a double
                PyErr_Clear();
                number_ = overflow > 0 ? HUGE_VAL : -HUGE_VAL;
            }
        } else if (PyFloat_Check(o)) {
            number_ = PyFloat_AS_DOUBLE(o);
            kind_ = std::isnan(number_) ? JsonKind::null : JsonKind::number;  // NaN: pandas' "missing"
        } else if (PyUnicode_Check(o)) {
            const auto s = utf8(o);
            if (!s) return invalid("text is not valid Unicode (lone surrogate?)");
            kind_ = JsonKind::string;
            text_ = *s;
            held_ = py::reinterpret_borrow<py::object>(v);  // text_ points into it
        } else if (PyDict_Check(o)) {
            kind_ = JsonKind::object;
            held_ = py::reinterpret_borrow<py::object>(v);
            PyObject *key, *value;
            Py_ssize_t pos = 0;
            items_.reserve(static_cast<std::size_t>(PyDict_GET_SIZE(o)));
            while (PyDict_Next(o, &pos, &key, &value)) {
                if (!PyUnicode_Check(key)) return invalid("dictionary keys must be strings");
                const auto k = utf8(key);
                if (!k) return invalid("a dictionary key is not valid Unicode (lone surrogate?)");
                items_.emplace_back(*k, value);
            }
        } else if (PyList_Check(o) || PyTuple_Check(o)) {
            kind_ = JsonKind::array;
            held_ = py::reinterpret_borrow<py::object>(v);
        } else {
            take_other(v);
        }
    }

    // numpy scalars, datetimes and other number-likes, through their plain form.
    void take_other(pybind11::handle v) {
        auto plain = py_json::plain_form(v);
        if (!plain.problem.empty()) return invalid(std::move(plain.problem));
        take_converted(std::move(plain.value));
    }
    void take_converted(pybind11::object converted) {
        take(converted);
        if (!held_) held_ = std::move(converted);
    }

    JsonKind kind_ = JsonKind::null;
    bool boolean_ = false;
    double number_ = 0;
    std::optional<std::int64_t> integer_;
    std::string_view text_;
    std::string reason_;
    pybind11::object held_;  // keeps text_ and items_ alive; the sequence of an array
    // A dict's items, borrowed from held_; an event has a dozen at most, kept inline.
    boost::container::small_vector<std::pair<std::string_view, PyObject*>, 16> items_;
};

}  // namespace pursuit::bindings
