// Pipelines, for batch scripts: events arrive as a JSON Lines path, a list
// of dicts or Events, or DataFrame columns; C++ converts them and applies the
// batch with the GIL released. Results come back as columns.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <sstream>

#include "inputs.hpp"
#include "py_pipeline.hpp"
#include "records.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

py::dict apply_parsed(PyPipeline& self, Parsed& parsed, bool collect, unsigned threads) {
    if (!collect && !parsed.errors.empty()) throw parsed.errors.front();
    std::array<std::size_t, size<Verdict>()> tally{};
    {
        py::gil_scoped_release release;
        self.records = self.pipeline.apply(parsed.events, threads);
        for (const auto& entry : self.records) ++tally[static_cast<std::size_t>(self.pipeline.verdict(entry))];
    }
    py::dict counts;
    for (std::size_t v = 0; v < tally.size(); ++v) counts[id_str(static_cast<Verdict>(v))] = tally[v];
    py::list errors;
    for (const auto& err : parsed.errors) errors.append(event_error(err));
    py::dict out;
    out["verdicts"] = counts;
    out["errors"] = errors;
    return out;
}

template <class T>
py::array_t<T> array(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}
template <class T>
py::list strings(const std::vector<T>& v) {
    py::list out;
    for (const auto& s : v) out.append(py::str(s));
    return out;
}

py::dict snapshot(const PyPipeline& self) {
    const SnapshotColumns c = self.pipeline.snapshot();
    py::dict d;
    d["opportunity"] = strings(c.id);
    d["account"] = strings(c.account);
    d["name"] = strings(c.name);
    d["owner"] = strings(c.owner);
    d["currency"] = strings(c.currency);
    d["amount"] = array(c.amount);
    d["expected_close"] = array(c.expected_close);
    d["step"] = array(c.step);
    d["outcome"] = array(c.outcome);
    d["buyer_stage"] = array(c.buyer_stage);
    d["next_gate"] = array(c.next_gate);
    d["unmet"] = array(c.unmet);
    d["can_advance"] = array(c.can_advance);
    d["opened_at"] = array(c.opened_at);
    d["last_at"] = array(c.last_at);
    d["step_since"] = array(c.step_since);
    d["events"] = array(c.events);
    d["refused"] = array(c.refused);
    d["fell_back"] = array(c.fell_back);
    d["late_entry"] = array(c.late_entry);
    d["criteria_misaligned"] = array(c.criteria_misaligned);
    d["contacts"] = array(c.contacts);
    d["evidence"] = array(c.evidence);
    return d;
}

py::dict outcomes(const PyPipeline& self) {
    const auto& rs = self.records;
    std::vector<std::int64_t> at;
    std::vector<std::int8_t> type, verdict, step_before, step_after, outcome_after, buyer_before, buyer_after;
    std::vector<std::uint8_t> late, backward;
    py::list event_id, opportunity, unmet, reason;
    for (const auto& br : rs) {
        const Record& r = self.pipeline.record(br);
        event_id.append(r.event_id);
        opportunity.append(br.opportunity >= 0 ? py::object(py::str(self.pipeline.at(static_cast<std::size_t>(br.opportunity)).id()))
                                               : py::none());
        at.push_back(r.at);
        type.push_back(static_cast<std::int8_t>(r.type));
        verdict.push_back(static_cast<std::int8_t>(r.verdict));
        step_before.push_back(static_cast<std::int8_t>(r.before.step));
        step_after.push_back(static_cast<std::int8_t>(r.after.step));
        outcome_after.push_back(r.after.outcome ? static_cast<std::int8_t>(*r.after.outcome) : std::int8_t{-1});
        buyer_before.push_back(static_cast<std::int8_t>(r.buyer_before));
        buyer_after.push_back(static_cast<std::int8_t>(r.buyer_after));
        late.push_back(r.late_entry);
        backward.push_back(r.buyer_backward);
        std::string codes;
        if (br.opportunity >= 0)
            for (const auto& ref : r.unmet)
                codes += (codes.empty() ? "" : ",") + self.pipeline.at(static_cast<std::size_t>(br.opportunity)).requirement(ref).code;
        unmet.append(codes);
        reason.append(r.reason);
    }
    py::dict d;
    d["event_id"] = event_id;
    d["opportunity"] = opportunity;
    d["at_us"] = array(at);
    d["type"] = array(type);
    d["verdict"] = array(verdict);
    d["step_before"] = array(step_before);
    d["step_after"] = array(step_after);
    d["outcome_after"] = array(outcome_after);
    d["buyer_before"] = array(buyer_before);
    d["buyer_after"] = array(buyer_after);
    d["unmet"] = unmet;
    d["late_entry"] = array(late);
    d["buyer_backward"] = array(backward);
    d["reason"] = reason;
    return d;
}

}  // namespace

void register_pipeline(py::module_& m) {
    py::class_<PyPipeline>(m, "Pipeline")
        .def(py::init([](std::shared_ptr<Playbook> playbook) { return PyPipeline{Pipeline(or_default(playbook)), {}}; }),
             py::arg("playbook") = nullptr)
        .def("apply_items", [](PyPipeline& self, const py::sequence& items, bool collect, unsigned threads) {
            Parsed p = parse_items(items);
            return apply_parsed(self, p, collect, threads);
        })
        .def("apply_columns", [](PyPipeline& self, const py::dict& columns, std::size_t rows, bool collect, unsigned threads) {
            Parsed p = parse_columns(columns, rows);
            return apply_parsed(self, p, collect, threads);
        })
        .def("apply_batch", [](PyPipeline& self, const EventBatch& batch, unsigned threads) {
            Parsed p = parse_batch(batch);
            return apply_parsed(self, p, false, threads);
        })
        .def("apply_arrow", [](PyPipeline& self, const py::capsule& stream, bool collect, unsigned threads) {
            Parsed p = parse_arrow(stream, collect);
            return apply_parsed(self, p, collect, threads);
        })
        .def("apply_jsonl", [](PyPipeline& self, const std::string& path, bool collect, unsigned threads) {
            Parsed p = parse_jsonl(path, collect);
            return apply_parsed(self, p, collect, threads);
        })
        .def("__len__", [](const PyPipeline& self) { return self.pipeline.size(); })
        .def("ids", [](const PyPipeline& self) {
            py::list out;
            for (std::size_t i = 0; i < self.pipeline.size(); ++i) out.append(self.pipeline.at(i).id());
            return out;
        })
        .def("get", [](PyPipeline& self, const std::string& id) -> Opportunity* {
            const auto i = self.pipeline.find(id);
            if (!i) throw py::key_error(id);
            return &self.pipeline.at(*i);
        }, py::return_value_policy::reference_internal)
        // One event for one of its opportunities (a view's apply), judged as a
        // batch of one, so ids applied to any opportunity count.
        .def("apply_one", [](PyPipeline& self, const Event& e, const std::string& id) {
            const auto i = self.pipeline.find(id);
            if (!i) throw py::key_error(id);
            Opportunity* opp = &self.pipeline.at(*i);
            if (e.opportunity != id) return record_dict(opp, opp->apply(e));  // refused there, with the reason
            const auto entries = self.pipeline.apply(std::vector<const Event*>{&e});
            return record_dict(opp, self.pipeline.record(entries.front()));
        })
        .def("adopt", [](PyPipeline& self, const Opportunity& o) { self.pipeline.adopt(o); })
        .def("snapshot", &snapshot)
        .def("outcomes", &outcomes);
}

}  // namespace pursuit::bindings
