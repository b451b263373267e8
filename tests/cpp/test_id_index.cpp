// The flat id index: every id it was given is found at its place, ids it was
// not given are not, whatever their length (inside the slot or aside) and
// however many times the table grew.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pursuit/id_index.hpp"

using namespace pursuit;

TEST_CASE("an id index finds every id at its place and no other", "[id_index]") {
    IdIndex index;
    CHECK(index.find("anything") == IdIndex::kNone);  // empty: nothing found, nothing read

    std::vector<std::string> ids{""};
    for (std::size_t n = 1; n <= 40; ++n) ids.push_back(std::string(n, 'x'));  // inside (<= 23) and aside
    for (std::size_t n = 1; n <= 40; ++n) ids.push_back(std::string(n - 1, 'x') + 'y');  // one byte apart
    for (int i = 0; i < 5000; ++i) ids.push_back("OPP-" + std::to_string(i));  // many growths
    for (std::size_t i = 0; i < ids.size(); ++i) index.insert(ids[i], static_cast<std::uint32_t>(i));
    REQUIRE(index.size() == ids.size());

    for (std::size_t i = 0; i < ids.size(); ++i) {
        INFO(ids[i]);
        CHECK(index.find(ids[i]) == i);
    }
    for (const std::string& missing : {std::string("OPP-5000"), std::string(41, 'x'), std::string(23, 'z'),
                                       std::string("OPP-1 "), std::string("opp-1")})
        CHECK(index.find(missing) == IdIndex::kNone);
}

TEST_CASE("equal ids hash equal, and the hash depends on every byte", "[id_index]") {
    for (std::size_t n = 1; n <= 20; ++n) {
        const std::string base(n, 'a');
        CHECK(IdIndex::hash(base) == IdIndex::hash(std::string(base)));
        for (std::size_t at = 0; at < n; ++at) {
            std::string other = base;
            other[at] = 'b';
            CHECK(IdIndex::hash(other) != IdIndex::hash(base));
        }
    }
    CHECK(IdIndex::hash("") != IdIndex::hash(std::string(1, '\0')));  // the size is hashed too
}
