// The win model: see model.hpp. Scores are computed in log space, so many
// tokens cannot underflow.
#include "pursuit/model.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

namespace pursuit {

WinModel WinModel::fit(const std::vector<Tokens>& samples, const std::vector<bool>& won, double alpha) {
    if (samples.size() != won.size())
        throw std::invalid_argument("fit: " + std::to_string(samples.size()) + " samples but " +
                                    std::to_string(won.size()) + " outcomes");
    if (!(alpha >= 0.0)) throw std::invalid_argument("fit: alpha must be >= 0");
    WinModel m;
    m.alpha_ = alpha;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const std::size_t k = won[i] ? 0 : 1;
        (won[i] ? m.won_ : m.lost_) += 1;
        for (const auto& token : std::set<std::string>(samples[i].begin(), samples[i].end())) m.counts_[token][k] += 1;
    }
    return m;
}

double WinModel::contribution(const std::string& token) const {
    const auto it = counts_.find(token);
    if (it == counts_.end()) return 0.0;
    const double a = alpha_, w = static_cast<double>(won_), l = static_cast<double>(lost_);
    const double p_won = (static_cast<double>(it->second[0]) + a) / (w + 2 * a);
    const double p_lost = (static_cast<double>(it->second[1]) + a) / (l + 2 * a);
    if (p_won <= 0 || p_lost <= 0) return p_won > 0 ? INFINITY : (p_lost > 0 ? -INFINITY : 0.0);  // alpha 0
    return std::log(p_won) - std::log(p_lost);
}

double WinModel::probability(const Tokens& tokens) const {
    const double a = alpha_, w = static_cast<double>(won_), l = static_cast<double>(lost_);
    if (w + a <= 0 && l + a <= 0) return 0.5;
    if (w + a <= 0) return 0.0;
    if (l + a <= 0) return 1.0;
    double log_odds = std::log(w + a) - std::log(l + a);
    for (const auto& token : std::set<std::string>(tokens.begin(), tokens.end())) log_odds += contribution(token);
    if (std::isinf(log_odds)) return log_odds > 0 ? 1.0 : 0.0;
    return 1.0 / (1.0 + std::exp(-log_odds));
}

nlohmann::json WinModel::to_json() const {
    nlohmann::json tokens = nlohmann::json::object();
    for (const auto& [token, c] : counts_) tokens[token] = {c[0], c[1]};
    return {{"format", "pursuit.win_model"}, {"version", 1}, {"alpha", alpha_},
            {"won", won_}, {"lost", lost_}, {"tokens", tokens}};
}

WinModel WinModel::from_json(const nlohmann::json& doc) {
    auto fail = [](const std::string& what) { throw std::invalid_argument("win model: " + what); };
    if (!doc.is_object()) fail("expected a JSON object");
    if (doc.value("format", "") != "pursuit.win_model") fail("'format' must be \"pursuit.win_model\"");
    if (!doc.contains("version") || doc["version"] != 1) fail("'version' must be 1 (this pursuit reads version 1)");
    WinModel m;
    auto count = [&](const nlohmann::json& v, const std::string& where) -> std::uint64_t {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0) fail("'" + where + "' must be a whole number >= 0");
        return v.get<std::uint64_t>();
    };
    if (!doc.contains("alpha") || !doc["alpha"].is_number() || doc["alpha"].get<double>() < 0)
        fail("'alpha' must be a number >= 0");
    m.alpha_ = doc["alpha"].get<double>();
    m.won_ = count(doc.value("won", nlohmann::json()), "won");
    m.lost_ = count(doc.value("lost", nlohmann::json()), "lost");
    if (!doc.contains("tokens") || !doc["tokens"].is_object()) fail("'tokens' must be an object");
    for (const auto& [token, c] : doc["tokens"].items()) {
        if (!c.is_array() || c.size() != 2) fail("tokens/" + token + " must be [won, lost]");
        m.counts_[token] = {count(c[0], "tokens/" + token + "/0"), count(c[1], "tokens/" + token + "/1")};
        if (m.counts_[token][0] > m.won_ || m.counts_[token][1] > m.lost_)
            fail("tokens/" + token + " counts more opportunities than 'won'/'lost'");
    }
    return m;
}

}  // namespace pursuit
