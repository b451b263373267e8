// Python objects <-> nlohmann JSON, so dicts from notebooks and DataFrames
// reach the strict C++ parser without a round trip through text.
#pragma once

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace pursuit::py_json {

// Raises pursuit::EventError naming the field for values JSON cannot hold.
// NaN (pandas' "missing") becomes null; aware datetimes become ISO-8601 text.
// `field` names the value in errors (a DataFrame column, say); nested values add to it.
nlohmann::json from_python(pybind11::handle value, const std::string& field = "");
pybind11::object to_python(const nlohmann::ordered_json& value);

}  // namespace pursuit::py_json
