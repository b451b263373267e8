// Pipelines, for batch scripts: events arrive as a JSON Lines path, a list
// of dicts or Events, or DataFrame columns; C++ converts them and applies the
// batch with the GIL released. Results come back as columns.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <optional>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

#include <tbb/parallel_for.h>

#include "inputs.hpp"
#include "pursuit/arrow.hpp"
#include "pursuit/pieces.hpp"
#include "py_pipeline.hpp"
#include "records.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

// The verdicts of the latest input and its errors.
py::dict summary(PyPipeline& self, const std::vector<EventError>& parse_errors) {
    std::array<std::size_t, size<Verdict>()> tally{};
    {
        py::gil_scoped_release release;
        for (const auto& entry : self.records) ++tally[static_cast<std::size_t>(self.pipeline.verdict(entry))];
    }
    py::dict counts;
    for (std::size_t v = 0; v < tally.size(); ++v) counts[id_str(static_cast<Verdict>(v))] = tally[v];
    py::list errors;
    for (const auto& err : parse_errors) errors.append(event_error(err));
    py::dict out;
    out["verdicts"] = counts;
    out["errors"] = errors;
    return out;
}

py::dict apply_parsed(PyPipeline& self, Parsed& parsed, bool collect, unsigned threads) {
    if (!collect && !parsed.errors.empty()) throw parsed.errors.front();
    {
        py::gil_scoped_release release;
        self.records = self.pipeline.apply(parsed.events, threads);
    }
    return summary(self, parsed.errors);
}

py::dict apply_applied(PyPipeline& self, AppliedInput applied) {
    self.records = std::move(applied.records);
    return summary(self, applied.errors);
}

// Python input (`rows` dicts, Events or frame rows) converted a slice of
// `piece` at a time and applied in pieces, so that the converted input
// never exists whole; as one batch if its events need it. Under raise the
// first error is thrown and the pipeline is as it was.
template <class Convert>
py::dict apply_sliced(PyPipeline& self, std::size_t rows, Convert convert, bool collect, unsigned threads,
                      std::size_t piece) {
    piece = std::max<std::size_t>(1, piece);
    std::vector<EventError> errors;
    std::optional<std::vector<BatchRecord>> records;
    {
        Pipeline::Intake intake(self.pipeline, threads, rows > piece);
        std::size_t first = 0;
        bool in_pieces = true;
        do {
            const std::size_t last = std::min(rows, first + piece);
            Parsed p = convert(first, last);
            if (!collect && !p.errors.empty()) throw p.errors.front();
            std::move(p.errors.begin(), p.errors.end(), std::back_inserter(errors));
            py::gil_scoped_release release;
            in_pieces = intake.add(p.events, last < rows);
            first = last;
        } while (in_pieces && first < rows);
        py::gil_scoped_release release;
        if (in_pieces) records = intake.finish();
        else intake.abandon();
    }
    if (records) {
        self.records = std::move(*records);
        return summary(self, errors);
    }
    Parsed p = convert(0, rows);
    return apply_parsed(self, p, collect, threads);
}

// A file in pieces (`piece` lines each); as one batch if its events need it.
py::dict apply_jsonl(PyPipeline& self, const std::string& path, bool collect, unsigned threads, std::size_t piece) {
    std::optional<AppliedInput> applied;
    {
        py::gil_scoped_release release;
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + path);
        applied = apply_jsonl_pieces(self.pipeline, in, collect ? OnError::collect : OnError::raise, threads, piece);
    }
    if (applied) return apply_applied(self, std::move(*applied));
    Parsed p = parse_jsonl(path, collect);
    return apply_parsed(self, p, collect, threads);
}

// `make_stream()` gives an Arrow C stream capsule; `piece` rows at a time
// (0: the stream can be read only once, so it is read whole).
py::dict apply_arrow(PyPipeline& self, const py::object& make_stream, bool collect, unsigned threads, std::size_t piece) {
    if (piece > 0) {
        const py::capsule capsule = make_stream();
        ArrowArrayStream& stream = stream_of(capsule);
        std::optional<AppliedInput> applied;
        {
            py::gil_scoped_release release;  // a producer that needs Python takes the GIL itself
            applied = apply_arrow_pieces(self.pipeline, stream, collect ? OnError::collect : OnError::raise, threads, piece);
        }
        if (applied) return apply_applied(self, std::move(*applied));
    }
    Parsed p = parse_arrow(make_stream(), collect);
    return apply_parsed(self, p, collect, threads);
}

template <class E>
std::vector<std::string> labels() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < size<E>(); ++i) out.emplace_back(to_id(static_cast<E>(i)));
    return out;
}

// An Arrow C stream in a capsule, released by the capsule if nobody imports it.
py::capsule stream_capsule(ArrowTableBuilder table) {
    auto* stream = new ArrowArrayStream;
    std::move(table).export_stream(*stream);
    return py::capsule(stream, "arrow_array_stream", [](PyObject* capsule) {
        auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
        if (!s) return PyErr_Clear();
        if (s->release) s->release(s);
        delete s;
    });
}

// One row per opportunity; days in step counted to `now` (UTC microseconds;
// default: the latest event in the pipeline).
py::capsule snapshot(const PyPipeline& self, std::optional<std::int64_t> now) {
    SnapshotColumns c;
    {
        py::gil_scoped_release release;
        c = self.pipeline.snapshot();
    }
    const std::int64_t to = now ? *now : c.last_at.empty() ? 0 : *std::max_element(c.last_at.begin(), c.last_at.end());
    std::vector<double> days;
    days.reserve(c.step_since.size());
    for (const auto since : c.step_since) days.push_back(static_cast<double>(to - since) / static_cast<double>(kMicrosPerDay));
    ArrowTableBuilder t(c.id.size());
    t.strings("opportunity", std::move(c.id));
    t.strings("account", std::move(c.account));
    t.strings("name", std::move(c.name));
    t.strings("owner", std::move(c.owner));
    t.float64("amount", c.amount);
    t.strings("currency", std::move(c.currency));
    t.dates("expected_close", c.expected_close);
    t.codes("step", c.step, labels<Step>());
    t.codes("outcome", c.outcome, labels<Outcome>());
    t.codes("buyer_stage", c.buyer_stage, labels<BuyerStage>());
    t.codes("next_gate", c.next_gate, labels<Gate>());
    t.int32("unmet", c.unmet);
    t.booleans("can_advance", c.can_advance);
    t.float64("days_in_step", days);
    t.int32("events", c.events);
    t.int32("refused", c.refused);
    t.int32("fell_back", c.fell_back);
    t.booleans("late_entry", c.late_entry);
    t.booleans("criteria_misaligned", c.criteria_misaligned);
    t.int32("contacts", c.contacts);
    t.int32("evidence", c.evidence);
    t.timestamps("opened_at", c.opened_at);
    t.timestamps("last_at", c.last_at);
    return stream_capsule(std::move(t));
}

// What each event of the latest batch did, in the batch's order. Millions of
// rows, each read from its opportunity's history: blocks of rows are read on
// every core, their text laid straight into Arrow's buffers.
py::capsule outcomes(const PyPipeline& self) {
    const auto& rs = self.records;
    const std::size_t n = rs.size();
    std::vector<std::int64_t> at(n);
    std::vector<std::int8_t> type(n), verdict(n), step_before(n), step_after(n), outcome_after(n), buyer_before(n),
        buyer_after(n);
    std::vector<std::uint8_t> late(n), backward(n);
    constexpr std::size_t kBlock = 65536;  // a multiple of 8: blocks' null bits join byte by byte
    struct Texts {
        TextColumn event_id{kBlock}, opportunity{kBlock, true}, unmet{kBlock}, reason{kBlock};
    };
    std::vector<Texts> texts((n + kBlock - 1) / kBlock);
    {
        py::gil_scoped_release release;
        tbb::parallel_for(std::size_t{0}, texts.size(), [&](std::size_t b) {
            Texts& text = texts[b];
            std::string codes;
            for (std::size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
                const Record r = self.pipeline.record(rs[i]);
                const Opportunity* opp = rs[i].named() ? &self.pipeline.at(rs[i].opportunity) : nullptr;
                text.event_id.push_back(r.event_id);
                text.opportunity.push_back(opp ? std::string_view(opp->id()) : std::string_view());
                at[i] = r.at;
                type[i] = static_cast<std::int8_t>(r.type);
                verdict[i] = static_cast<std::int8_t>(r.verdict);
                step_before[i] = static_cast<std::int8_t>(r.before.step);
                step_after[i] = static_cast<std::int8_t>(r.after.step);
                outcome_after[i] = r.after.outcome ? static_cast<std::int8_t>(*r.after.outcome) : std::int8_t{-1};
                buyer_before[i] = static_cast<std::int8_t>(r.buyer_before);
                buyer_after[i] = static_cast<std::int8_t>(r.buyer_after);
                late[i] = r.late_entry;
                backward[i] = r.buyer_backward;
                codes.clear();
                if (opp)
                    for (const auto& ref : r.unmet) (codes.empty() ? codes : codes += ',') += opp->requirement(ref).code;
                text.unmet.push_back(codes);
                text.reason.push_back(r.reason);
            }
        });
    }
    TextColumn event_id(n), opportunity(n, true), unmet(n), reason(n);
    for (const Texts& text : texts) {
        event_id.append(text.event_id);
        opportunity.append(text.opportunity);
        unmet.append(text.unmet);
        reason.append(text.reason);
    }
    texts.clear();
    ArrowTableBuilder t(rs.size());
    t.strings("event_id", std::move(event_id));
    t.strings("opportunity", std::move(opportunity));  // null: the event named no known opportunity
    t.timestamps("at", at);
    t.codes("type", type, labels<EventType>());
    t.codes("verdict", verdict, labels<Verdict>());
    t.codes("step_before", step_before, labels<Step>());
    t.codes("step_after", step_after, labels<Step>());
    t.codes("outcome_after", outcome_after, labels<Outcome>());
    t.codes("buyer_before", buyer_before, labels<BuyerStage>());
    t.codes("buyer_after", buyer_after, labels<BuyerStage>());
    t.strings("unmet", std::move(unmet));
    t.booleans("late_entry", late);
    t.booleans("buyer_backward", backward);
    t.strings("reason", std::move(reason));
    return stream_capsule(std::move(t));
}

}  // namespace

void register_pipeline(py::module_& m) {
    py::class_<PyPipeline>(m, "Pipeline")
        .def(py::init([](std::shared_ptr<Playbook> playbook) { return PyPipeline{Pipeline(or_default(playbook)), {}}; }),
             py::arg("playbook") = nullptr)
        .def(
            "apply_items",
            [](PyPipeline& self, const py::sequence& items, bool collect, unsigned threads, std::size_t piece) {
                const auto convert = [&items](std::size_t first, std::size_t last) { return parse_items(items, first, last); };
                return apply_sliced(self, py::len(items), convert, collect, threads, piece);
            },
            py::arg("items"), py::arg("collect"), py::arg("threads"), py::arg("piece") = kPieceEvents)
        .def(
            "apply_columns",
            [](PyPipeline& self, const py::dict& columns, std::size_t rows, bool collect, unsigned threads, std::size_t piece) {
                const auto convert = [&columns, rows](std::size_t first, std::size_t last) {
                    return parse_columns(columns, rows, first, last);
                };
                return apply_sliced(self, rows, convert, collect, threads, piece);
            },
            py::arg("columns"), py::arg("rows"), py::arg("collect"), py::arg("threads"), py::arg("piece") = kPieceEvents)
        .def("apply_batch", [](PyPipeline& self, const EventBatch& batch, unsigned threads) {
            Parsed p = parse_batch(batch);
            return apply_parsed(self, p, false, threads);
        })
        .def("apply_arrow", &apply_arrow, py::arg("make_stream"), py::arg("collect"), py::arg("threads"),
             py::arg("piece") = kPieceEvents)
        .def("apply_jsonl", &apply_jsonl, py::arg("path"), py::arg("collect"), py::arg("threads"),
             py::arg("piece") = kPieceEvents)
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
        .def("snapshot", &snapshot, py::arg("now_us") = std::nullopt)
        .def("latest_us", [](const PyPipeline& self) {  // the latest event's time, 0 for an empty pipeline
            std::int64_t latest = 0;
            for (std::size_t i = 0; i < self.pipeline.size(); ++i) latest = std::max(latest, self.pipeline.at(i).last_at());
            return latest;
        })
        .def("outcomes", &outcomes);
}

}  // namespace pursuit::bindings
