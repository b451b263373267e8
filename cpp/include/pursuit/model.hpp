// Win probability learned from closed opportunities: frequency-based naive
// Bayes with additive smoothing, in the spirit of Odoo's predictive lead
// scoring. An opportunity is a set of feature tokens ("reached:tracking",
// "evidence:budget_commitment", "segment:sector=retail" ...); ordinal features
// are expanded by whoever makes the tokens, so "reached at least this step"
// is one token per step reached.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pursuit {

class WinModel {
public:
    using Tokens = std::vector<std::string>;

    // Counts, per token, the won and the lost opportunities holding it.
    // `alpha` is the additive smoothing (1: Laplace). Throws std::invalid_argument
    // on mismatched sizes or a negative alpha.
    static WinModel fit(const std::vector<Tokens>& samples, const std::vector<bool>& won, double alpha = 1.0);

    // P(won | tokens). Tokens never seen in training carry no information and
    // are ignored; repeated tokens count once. With no training data: the
    // smoothed prior, 0.5.
    double probability(const Tokens& tokens) const;
    // The log-odds each known token adds (for explaining a score).
    double contribution(const std::string& token) const;

    std::uint64_t won() const { return won_; }
    std::uint64_t lost() const { return lost_; }
    double alpha() const { return alpha_; }
    const std::map<std::string, std::array<std::uint64_t, 2>>& counts() const { return counts_; }

    // {"format": "pursuit.win_model", "version": 1, "alpha", "won", "lost", "tokens": {token: [won, lost]}}
    nlohmann::json to_json() const;
    static WinModel from_json(const nlohmann::json& doc);  // std::invalid_argument naming the bad key

private:
    double alpha_ = 1.0;
    std::uint64_t won_ = 0, lost_ = 0;
    std::map<std::string, std::array<std::uint64_t, 2>> counts_;  // ordered: stable JSON
};

}  // namespace pursuit
