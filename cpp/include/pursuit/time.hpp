// Instants and calendar dates. Events carry ISO-8601 times with an offset;
// pursuit keeps them as UTC microseconds so that ordering and arithmetic are
// plain integer operations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pursuit {

using Timestamp = std::int64_t;  // microseconds since 1970-01-01T00:00:00Z
using Date = std::int32_t;       // days since 1970-01-01

constexpr Timestamp kMicrosPerSecond = 1'000'000;
constexpr Timestamp kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Days since the epoch for a proleptic Gregorian date (no range check).
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept;

// Parse "YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)". On failure returns nullopt
// and, when `why` is given, says what is wrong in words a user can act on.
std::optional<Timestamp> parse_timestamp(std::string_view text, std::string* why = nullptr);
// Canonical UTC form: seconds always, the fraction only when non-zero.
std::string format_timestamp(Timestamp at);

// Parse "YYYY-MM-DD".
std::optional<Date> parse_date(std::string_view text, std::string* why = nullptr);
std::string format_date(Date date);

}  // namespace pursuit
