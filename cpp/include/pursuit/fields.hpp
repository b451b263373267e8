// Value types in pursuit expose their members as `fields()` (a tuple of
// references); equality is written once here for all of them.
#pragma once

#include <tuple>
#include <utility>

namespace pursuit {

template <class T, class = decltype(std::declval<const T&>().fields())>
bool operator==(const T& a, const T& b) {
    return a.fields() == b.fields();
}
template <class T, class = decltype(std::declval<const T&>().fields())>
bool operator!=(const T& a, const T& b) {
    return !(a == b);
}

}  // namespace pursuit
