// The vocabulary tables as plain data; pursuit/vocabulary.py turns them into
// Python enums, so no id or label is written twice.
#include <pybind11/stl.h>

#include "register.hpp"

namespace py = pybind11;

namespace pursuit::bindings {
namespace {

template <class E>
void add(py::dict& out) {
    py::list terms;
    for (const auto& t : Vocabulary<E>::terms)
        terms.append(py::make_tuple(py::str(t.id.data(), t.id.size()), py::str(t.en.data(), t.en.size()),
                                    py::str(t.zh.data(), t.zh.size())));
    py::dict entry;
    entry["kind"] = py::str(Vocabulary<E>::kind.data(), Vocabulary<E>::kind.size());
    entry["terms"] = terms;
    out[py::str(Vocabulary<E>::type_name.data(), Vocabulary<E>::type_name.size())] = entry;
}

template <class... E>
py::dict all(std::tuple<E...>*) {
    py::dict out;
    (add<E>(out), ...);
    return out;
}

}  // namespace

void register_vocabulary(py::module_& m) {
    m.def(
        "vocabularies", [] { return all(static_cast<AllVocabularies*>(nullptr)); },
        "Every vocabulary: {class name: {'kind': ..., 'terms': [(id, en, zh), ...]}}.");
}

}  // namespace pursuit::bindings
