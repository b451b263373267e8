// Python objects <-> nlohmann JSON, so dicts from notebooks and DataFrames
// reach the strict C++ parser without a round trip through text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace pursuit::py_json {

// Raises pursuit::EventError naming the field for values JSON cannot hold.
// NaN (pandas' "missing") becomes null; aware datetimes become ISO-8601 text.
// `field` names the value in errors (a DataFrame column, say); nested values add to it.
nlohmann::json from_python(pybind11::handle value, const std::string& field = "");
pybind11::object to_python(const nlohmann::ordered_json& value);

// The plain form (int, float, str or None) of a value JSON has no kind for:
// numpy scalars, dates and aware datetimes, other number-likes; pandas' NA
// and NaT are None. `problem` is set instead when there is none.
struct PlainForm {
    pybind11::object value;
    std::string problem;
};
PlainForm plain_form(pybind11::handle value);

}  // namespace pursuit::py_json
