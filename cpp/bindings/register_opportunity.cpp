// One opportunity, for notebooks: apply events, ask where it stands and what
// its next gate needs, read its facts and history, save and restore it.
#include <pybind11/stl.h>

#include "pyjson.hpp"
#include "records.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {

py::dict record_dict(const Opportunity* opp, const Record& r) {
    py::dict d;
    d["event_id"] = r.event_id;
    d["at_us"] = r.at;
    d["type"] = id_str(r.type);
    d["verdict"] = id_str(r.verdict);
    d["step_before"] = id_str(r.before.step);
    d["outcome_before"] = id_or_none(r.before.outcome);
    d["step_after"] = id_str(r.after.step);
    d["outcome_after"] = id_or_none(r.after.outcome);
    d["buyer_before"] = id_str(r.buyer_before);
    d["buyer_after"] = id_str(r.buyer_after);
    py::list unmet;
    for (const auto& ref : r.unmet) {
        py::dict u = opp ? requirement_dict(opp->requirement(ref)) : py::dict();
        u["gate"] = id_str(ref.gate);
        unmet.append(u);
    }
    d["unmet"] = unmet;
    d["late_entry"] = r.late_entry;
    d["buyer_backward"] = r.buyer_backward;
    d["reason"] = r.reason;
    return d;
}

py::dict report_dict(const Opportunity& opp, const GateReport& report) {
    py::list items;
    for (const auto& s : report.items) {
        py::dict item = requirement_dict(opp.requirement(s.ref));
        item["met"] = s.met;
        item["have"] = s.have;
        item["need"] = s.need;
        items.append(item);
    }
    py::dict d;
    d["gate"] = id_str(report.gate);
    d["open"] = report.open();
    d["items"] = items;
    return d;
}

namespace {

Gate gate_from(const std::string& id) {
    const auto g = parse_id<Gate>(id);
    if (!g) throw py::value_error("unknown gate '" + id + "'; expected one of " + expected_ids<Gate>());
    return *g;
}

// The history as columns, ready for a DataFrame.
py::dict history_columns(const Opportunity& opp) {
    py::list event_id, at, type, verdict, step_before, step_after, outcome_after, buyer_before, buyer_after, unmet,
        late_entry, buyer_backward, reason;
    for (const auto& r : opp.history()) {
        event_id.append(r.event_id);
        at.append(r.at);
        type.append(id_str(r.type));
        verdict.append(id_str(r.verdict));
        step_before.append(id_str(r.before.step));
        step_after.append(id_str(r.after.step));
        outcome_after.append(id_or_none(r.after.outcome));
        buyer_before.append(id_str(r.buyer_before));
        buyer_after.append(id_str(r.buyer_after));
        py::list codes;
        for (const auto& ref : r.unmet) codes.append(opp.requirement(ref).code);
        unmet.append(codes);
        late_entry.append(r.late_entry);
        buyer_backward.append(r.buyer_backward);
        reason.append(r.reason);
    }
    py::dict d;
    d["event_id"] = event_id;
    d["at_us"] = at;
    d["type"] = type;
    d["verdict"] = verdict;
    d["step_before"] = step_before;
    d["step_after"] = step_after;
    d["outcome_after"] = outcome_after;
    d["buyer_before"] = buyer_before;
    d["buyer_after"] = buyer_after;
    d["unmet"] = unmet;
    d["late_entry"] = late_entry;
    d["buyer_backward"] = buyer_backward;
    d["reason"] = reason;
    return d;
}

}  // namespace

void register_opportunity(py::module_& m) {
    py::class_<Opportunity>(m, "Opportunity")
        .def(py::init([](std::string id, std::shared_ptr<Playbook> playbook) {
                 return Opportunity(std::move(id), or_default(playbook));
             }),
             py::arg("id"), py::arg("playbook") = nullptr)
        .def("apply", [](Opportunity& o, const Event& e) { return record_dict(&o, o.apply(e)); })
        .def_property_readonly("id", &Opportunity::id)
        .def_property_readonly("opened", &Opportunity::opened)
        .def_property_readonly("applying", [](const Opportunity& o) { return o.applying().empty() ? py::object(py::none()) : py::object(py::str(o.applying())); })
        .def("facts", [](const Opportunity& o) { return py_json::to_python(nlohmann::ordered_json(o.to_json()["facts"])); })
        .def_property_readonly("step", [](const Opportunity& o) { return id_str(o.step()); })
        .def_property_readonly("outcome", [](const Opportunity& o) { return id_or_none(o.outcome()); })
        .def_property_readonly("buyer_stage", [](const Opportunity& o) { return id_str(o.buyer_stage()); })
        .def_property_readonly("last_at_us", [](const Opportunity& o) { return o.opened() ? py::object(py::int_(o.last_at())) : py::none(); })
        .def_property_readonly("next_gate", [](const Opportunity& o) { return id_or_none(o.next_gate()); })
        .def("requirements", [](const Opportunity& o, std::optional<std::string> gate) -> py::object {
            if (gate) return report_dict(o, o.requirements(gate_from(*gate)));
            const auto report = o.requirements();
            return report ? py::object(report_dict(o, *report)) : py::none();
        }, py::arg("gate") = py::none())
        .def("can_advance", &Opportunity::can_advance)
        .def("history_columns", &history_columns)
        .def("state", [](const Opportunity& o) { return py_json::to_python(nlohmann::ordered_json(o.to_json())); })
        .def_static("from_state", [](py::handle state, std::shared_ptr<Playbook> playbook) {
            return Opportunity::from_json(py_json::from_python(state), or_default(playbook));
        }, py::arg("state"), py::arg("playbook") = nullptr)
        .def_static("diagram", [](const std::string& format) {
            if (format != "dot" && format != "mermaid") throw py::value_error("format must be 'dot' or 'mermaid'");
            return Opportunity::diagram(format == "dot" ? DiagramFormat::dot : DiagramFormat::mermaid);
        }, py::arg("format") = "dot");
}

}  // namespace pursuit::bindings
