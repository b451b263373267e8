// Inputs applied to a pipeline piece by piece (Pipeline::Intake), so that a
// file or table of any size is read in bounded memory: a JSON Lines stream a
// block of lines at a time (read, parsed on every core and applied at once), an
// Arrow stream a slice of rows at a time. The answer is the one batch's.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <vector>

#include "pursuit/arrow.hpp"
#include "pursuit/json.hpp"
#include "pursuit/pipeline.hpp"

namespace pursuit {

struct AppliedInput {
    std::vector<BatchRecord> records;  // what each event did, in the input's order
    std::vector<EventError> errors;    // empty unless OnError::collect found some
};

// Lines (or rows) per piece.
constexpr std::size_t kPieceEvents = 65536;

// Under OnError::raise the first error (in line or row order) is thrown and
// the pipeline is as it was. nullopt: an opportunity's events came out of time
// order across pieces, so the input must be applied as one batch; the
// pipeline is as it was. Repeated ids follow each source's rule: an error in
// JSON Lines (naming the first line), a rejected event in a table.
std::optional<AppliedInput> apply_jsonl_pieces(Pipeline& pipeline, std::istream& in, OnError on_error,
                                               unsigned threads = 1, std::size_t piece = kPieceEvents);
std::optional<AppliedInput> apply_arrow_pieces(Pipeline& pipeline, ArrowArrayStream& stream, OnError on_error,
                                               unsigned threads = 1, std::size_t piece = kPieceEvents);

}  // namespace pursuit
