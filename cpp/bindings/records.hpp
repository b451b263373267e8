// Shared by the opportunity and pipeline bindings: records and gate reports
// as plain Python values (ids as strings; the Python layer makes enums).
#pragma once

#include <pybind11/pybind11.h>

#include "pursuit/opportunity.hpp"

namespace pursuit::bindings {

pybind11::dict record_dict(const Opportunity* opp, const Record& r);
pybind11::dict report_dict(const Opportunity& opp, const GateReport& report);
pybind11::dict requirement_dict(const Requirement& q);

// Python passes None for "the default playbook".
inline std::shared_ptr<const Playbook> or_default(const std::shared_ptr<Playbook>& p) {
    return p ? std::shared_ptr<const Playbook>(p) : Playbook::default_playbook();
}

template <class E>
pybind11::object id_or_none(const std::optional<E>& v) {
    if (!v) return pybind11::none();
    const auto id = to_id(*v);
    return pybind11::str(id.data(), id.size());
}
template <class E>
pybind11::str id_str(E v) {
    const auto id = to_id(v);
    return pybind11::str(id.data(), id.size());
}

}  // namespace pursuit::bindings
