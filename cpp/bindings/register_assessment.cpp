// Assessment and the win model: one opportunity as a dict (for notebooks), a
// whole pipeline as columns (for DataFrames), the model's tokens, and the
// model itself (fitted and scored in C++).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

#include "pursuit/assessment.hpp"
#include "pursuit/model.hpp"
#include "py_pipeline.hpp"
#include "records.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

template <class E>
py::list id_list(const std::vector<E>& values) {
    py::list out;
    for (E v : values) out.append(id_str(v));
    return out;
}

py::dict assessment_dict(const Opportunity& o, const Assessment& a) {
    py::dict c;
    c["level"] = id_str(a.connection.level);
    c["inbound"] = a.connection.inbound;
    c["outbound"] = a.connection.outbound;
    c["mutual"] = a.connection.mutual;
    c["recent"] = a.connection.recent;
    c["previous"] = a.connection.previous;
    c["days_since_last"] = a.connection.days_since_last < 0 ? py::object(py::none()) : py::float_(a.connection.days_since_last);
    c["cooling"] = a.connection.cooling;
    py::dict p;
    p["held"] = id_list(a.progress.held.kinds());
    p["needed"] = id_list(a.progress.needed.kinds());
    p["missing"] = id_list(a.progress.missing.kinds());
    p["share"] = a.progress.share();
    py::dict k;
    k["buyer"] = id_str(a.coupling.buyer);
    k["earliest"] = id_str(a.coupling.earliest);
    k["latest"] = id_str(a.coupling.latest);
    k["behind"] = a.coupling.behind;
    k["ahead"] = a.coupling.ahead;
    py::list flags;
    for (const auto& f : a.flags) {
        py::dict d;
        d["code"] = id_str(f.code);
        d["severity"] = id_str(f.severity);
        py::dict facts;
        for (const auto& [name, value] : f.facts) facts[py::str(name)] = value;
        d["facts"] = facts;
        flags.append(d);
    }
    py::list guidance;
    for (const auto& g : a.guidance) {
        py::dict d = requirement_dict(o.requirement(g.ref));
        d["gate"] = id_str(g.ref.gate);
        d["unblocks"] = g.unblocks;
        d["have"] = g.have;
        d["need"] = g.need;
        guidance.append(d);
    }
    py::dict out;
    out["as_of_us"] = a.as_of;
    out["connection"] = c;
    out["progress"] = p;
    out["coupling"] = k;
    out["flags"] = flags;
    out["guidance"] = guidance;
    out["stage_prior"] = a.stage_prior;
    out["category"] = id_str(a.category);
    out["days_in_step"] = a.days_in_step;
    out["days_since_evidence"] = a.days_since_evidence < 0 ? py::object(py::none()) : py::float_(a.days_since_evidence);
    return out;
}

template <class T>
py::array_t<T> array(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

// One row per opportunity; flags as one boolean column each.
py::dict assess_columns(const Pipeline& pipeline, Timestamp as_of) {
    const std::size_t n = pipeline.size();
    std::vector<std::int8_t> level(n), category(n), severity(n, -1);
    std::vector<std::int32_t> inbound(n), outbound(n), mutual(n), recent(n), previous(n), held(n), needed(n), nflags(n);
    std::vector<double> since_last(n), share(n), prior(n), in_step(n), since_evidence(n);
    std::vector<std::int64_t> judged_at(n);
    std::vector<std::uint8_t> cooling(n), behind(n), ahead(n);
    std::vector<std::vector<std::uint8_t>> flag(size<RiskFlag>(), std::vector<std::uint8_t>(n));
    std::vector<std::string> next_action(n), missing(n), loss_reason(n), lost_to(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Opportunity& o = pipeline.at(i);
        const Assessment a = assess(o, as_of);
        judged_at[i] = a.as_of;
        level[i] = static_cast<std::int8_t>(a.connection.level);
        inbound[i] = static_cast<std::int32_t>(a.connection.inbound);
        outbound[i] = static_cast<std::int32_t>(a.connection.outbound);
        mutual[i] = static_cast<std::int32_t>(a.connection.mutual);
        recent[i] = static_cast<std::int32_t>(a.connection.recent);
        previous[i] = static_cast<std::int32_t>(a.connection.previous);
        since_last[i] = a.connection.days_since_last < 0 ? NAN : a.connection.days_since_last;
        cooling[i] = a.connection.cooling;
        held[i] = static_cast<std::int32_t>(a.progress.held.size());
        needed[i] = static_cast<std::int32_t>(a.progress.needed.size());
        share[i] = a.progress.share();
        for (EvidenceKind k : a.progress.missing.kinds()) missing[i] += (missing[i].empty() ? "" : ",") + std::string(to_id(k));
        behind[i] = a.coupling.behind;
        ahead[i] = a.coupling.ahead;
        nflags[i] = static_cast<std::int32_t>(a.flags.size());
        for (const auto& f : a.flags) {
            flag[static_cast<std::size_t>(f.code)][i] = 1;
            severity[i] = std::max(severity[i], static_cast<std::int8_t>(f.severity));
        }
        prior[i] = a.stage_prior;
        category[i] = static_cast<std::int8_t>(a.category);
        in_step[i] = a.days_in_step;
        since_evidence[i] = a.days_since_evidence < 0 ? NAN : a.days_since_evidence;
        if (!a.guidance.empty()) next_action[i] = o.requirement(a.guidance.front().ref).code;
        if (const auto& closing = o.facts().closing) {
            if (closing->loss_reason) loss_reason[i] = to_id(*closing->loss_reason);
            lost_to[i] = closing->lost_to.value_or("");
        }
    }
    py::dict d;
    d["connection"] = array(level);
    d["inbound"] = array(inbound);
    d["outbound"] = array(outbound);
    d["mutual"] = array(mutual);
    d["recent_volume"] = array(recent);
    d["previous_volume"] = array(previous);
    d["days_since_interaction"] = array(since_last);
    d["cooling"] = array(cooling);
    d["evidence_held"] = array(held);
    d["evidence_needed"] = array(needed);
    d["progress"] = array(share);
    d["evidence_missing"] = py::cast(missing);
    d["behind_buyer"] = array(behind);
    d["ahead_of_buyer"] = array(ahead);
    d["flags"] = array(nflags);
    d["max_severity"] = array(severity);
    for (std::size_t f = 0; f < flag.size(); ++f) d[py::str("flag:" + std::string(to_id(static_cast<RiskFlag>(f))))] = array(flag[f]);
    d["stage_prior"] = array(prior);
    d["category"] = array(category);
    d["days_in_step"] = array(in_step);
    d["days_since_evidence"] = array(since_evidence);
    d["next_action"] = py::cast(next_action);
    d["judged_at"] = array(judged_at);
    d["loss_reason"] = py::cast(loss_reason);
    d["lost_to"] = py::cast(lost_to);
    return d;
}

}  // namespace

void register_assessment(py::module_& m) {
    m.def("assess_opportunity", [](const Opportunity& o, Timestamp as_of) { return assessment_dict(o, assess(o, as_of)); },
          py::arg("opportunity"), py::arg("as_of_us"));
    // With the GIL held: a custom requirement may call back into Python.
    m.def("assess_pipeline", [](const PyPipeline& p, Timestamp as_of) { return assess_columns(p.pipeline, as_of); },
          py::arg("pipeline"), py::arg("as_of_us"));
    // Every segment key in the pipeline as a column ("" where an opportunity has none).
    m.def("segments", [](const PyPipeline& p) {
        std::map<std::string, std::vector<std::string>> columns;
        const std::size_t n = p.pipeline.size();
        for (std::size_t i = 0; i < n; ++i)
            for (const auto& [key, value] : p.pipeline.at(i).facts().header.segments) {
                auto& col = columns[key];
                col.resize(n);
                col[i] = value;
            }
        return columns;
    }, py::arg("pipeline"));
    m.def("win_features", [](const PyPipeline& p, Timestamp as_of, bool for_fitting) {
        std::vector<std::vector<std::string>> out;
        out.reserve(p.pipeline.size());
        for (std::size_t i = 0; i < p.pipeline.size(); ++i) {
            const Opportunity& o = p.pipeline.at(i);
            out.push_back(win_features(o, assess(o, as_of), for_fitting));
        }
        return out;
    }, py::arg("pipeline"), py::arg("as_of_us"), py::arg("for_fitting"));

    py::class_<WinModel>(m, "WinModel")
        .def(py::init<>())
        .def_static("fit", [](const std::vector<WinModel::Tokens>& samples, const std::vector<bool>& won, double alpha) {
            py::gil_scoped_release release;
            return WinModel::fit(samples, won, alpha);
        }, py::arg("samples"), py::arg("won"), py::arg("alpha") = 1.0)
        .def("probability", &WinModel::probability, py::arg("tokens"))
        .def("probabilities", [](const WinModel& m, const std::vector<WinModel::Tokens>& samples) {
            std::vector<double> out(samples.size());
            {
                py::gil_scoped_release release;
                for (std::size_t i = 0; i < samples.size(); ++i) out[i] = m.probability(samples[i]);
            }
            return py::array_t<double>(static_cast<py::ssize_t>(out.size()), out.data());
        }, py::arg("samples"))
        .def("contribution", &WinModel::contribution, py::arg("token"))
        .def_property_readonly("won", &WinModel::won)
        .def_property_readonly("lost", &WinModel::lost)
        .def_property_readonly("alpha", &WinModel::alpha)
        .def_property_readonly("counts", &WinModel::counts)
        .def("to_json", [](const WinModel& m) { return m.to_json().dump(); })
        .def_static("from_json", [](const std::string& text) {
            nlohmann::json doc;
            try {
                doc = nlohmann::json::parse(text);
            } catch (const nlohmann::json::parse_error& e) {
                throw py::value_error(std::string("win model: malformed JSON: ") + e.what());
            }
            return WinModel::from_json(doc);
        }, py::arg("text"));
}

}  // namespace pursuit::bindings
