// One registration function per area of the API (boost-histogram style), and
// the error types shared between them.
#pragma once

#include <pybind11/pybind11.h>

#include "pursuit/json.hpp"
#include "pursuit/pipeline.hpp"

namespace pursuit::bindings {

void register_errors(pybind11::module_& m);
void register_vocabulary(pybind11::module_& m);
void register_events(pybind11::module_& m);
void register_playbook(pybind11::module_& m);
void register_opportunity(pybind11::module_& m);
void register_pipeline(pybind11::module_& m);
void register_store(pybind11::module_& m);
void register_assessment(pybind11::module_& m);

// A pursuit.EventError instance (not raised) carrying event_id, line, field
// and reason as attributes; the exception translator raises the same objects.
pybind11::object event_error(const EventError& err);

}  // namespace pursuit::bindings
