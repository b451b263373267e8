// The Python Pipeline's compiled half, shared by the pipeline and assessment bindings.
#pragma once

#include <vector>

#include "pursuit/pipeline.hpp"

namespace pursuit::bindings {

// A pipeline and what its latest batch did.
struct PyPipeline {
    Pipeline pipeline;
    std::vector<BatchRecord> records;
};

}  // namespace pursuit::bindings
