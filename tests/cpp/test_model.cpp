// The win model against a small example worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "pursuit/model.hpp"

using namespace pursuit;

namespace {

// Two won ({a, b} and {a}) and one lost ({b}).
WinModel small(double alpha = 1.0) { return WinModel::fit({{"a", "b"}, {"a"}, {"b"}}, {true, true, false}, alpha); }

}  // namespace

TEST_CASE("fitting counts won and lost opportunities per token", "[model]") {
    const auto m = small();
    CHECK(m.won() == 2);
    CHECK(m.lost() == 1);
    CHECK(m.counts().at("a") == std::array<std::uint64_t, 2>{2, 0});
    CHECK(m.counts().at("b") == std::array<std::uint64_t, 2>{1, 1});
    // a token repeated in one sample counts once
    CHECK(WinModel::fit({{"x", "x"}}, {true}).counts().at("x")[0] == 1);
}

TEST_CASE("probabilities match the hand-computed naive Bayes", "[model]") {
    const auto m = small();
    // prior odds (2+1)/(1+1) = 1.5
    // a: P(a|won) = (2+1)/(2+2) = 0.75, P(a|lost) = (0+1)/(1+2) = 1/3: ratio 2.25
    // b: P(b|won) = (1+1)/4 = 0.5,      P(b|lost) = (1+1)/3 = 2/3:     ratio 0.75
    CHECK(m.probability({}) == Approx(1.5 / 2.5));
    CHECK(m.probability({"a"}) == Approx(3.375 / 4.375));
    CHECK(m.probability({"b"}) == Approx(1.125 / 2.125));
    CHECK(m.probability({"a", "b"}) == Approx(2.53125 / 3.53125));
    CHECK(m.contribution("a") == Approx(std::log(2.25)));
    // unseen and repeated tokens change nothing
    CHECK(m.probability({"a", "a", "never-seen"}) == Approx(m.probability({"a"})));
}

TEST_CASE("edge cases: no data, one class, no smoothing", "[model]") {
    CHECK(WinModel().probability({"a"}) == 0.5);
    CHECK(WinModel::fit({}, {}).probability({}) == 0.5);
    const auto all_won = WinModel::fit({{"a"}, {"a"}}, {true, true});
    CHECK(all_won.probability({"a"}) == Approx(4.5 / 5.5));  // prior 3/1, a: 0.75 vs 0.5
    const auto raw = small(0.0);
    CHECK(raw.probability({"a"}) == 1.0);  // never seen lost: certain without smoothing
    CHECK(raw.probability({}) == Approx(2.0 / 3.0));
    CHECK_THROWS_WITH(WinModel::fit({{"a"}}, {}), "fit: 1 samples but 0 outcomes");
    CHECK_THROWS_WITH(WinModel::fit({}, {}, -1), "fit: alpha must be >= 0");
}

TEST_CASE("a fitted model round-trips through JSON and bad documents are named", "[model]") {
    const auto m = small(0.5);
    const auto doc = m.to_json();
    CHECK(doc["format"] == "pursuit.win_model");
    const auto back = WinModel::from_json(doc);
    CHECK(back.probability({"a", "b"}) == m.probability({"a", "b"}));
    CHECK(back.to_json() == doc);

    auto broken = [&](const char* key, nlohmann::json value) {
        auto d = doc;
        d[key] = std::move(value);
        return d;
    };
    CHECK_THROWS_WITH(WinModel::from_json(nlohmann::json::array()), "win model: expected a JSON object");
    CHECK_THROWS_WITH(WinModel::from_json(broken("format", "x")), Catch::Contains("'format'"));
    CHECK_THROWS_WITH(WinModel::from_json(broken("version", 2)), Catch::Contains("'version' must be 1"));
    CHECK_THROWS_WITH(WinModel::from_json(broken("alpha", "one")), Catch::Contains("'alpha'"));
    CHECK_THROWS_WITH(WinModel::from_json(broken("won", -3)), Catch::Contains("'won' must be a whole number"));
    CHECK_THROWS_WITH(WinModel::from_json(broken("tokens", {{"a", {1}}})), Catch::Contains("tokens/a must be [won, lost]"));
    CHECK_THROWS_WITH(WinModel::from_json(broken("tokens", {{"a", {9, 0}}})), Catch::Contains("counts more"));
}
