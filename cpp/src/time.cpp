#include "pursuit/time.hpp"

#include <cstdio>

namespace pursuit {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, int m) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

template <class T>
std::optional<T> fail(std::string* why, const char* message) {
    if (why) *why = message;
    return std::nullopt;
}

// Shared by dates and timestamps: "YYYY-MM-DD" at the start of `s`.
std::optional<std::int64_t> parse_day(std::string_view s, std::string* why) {
    int y = 0, m = 0, d = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
        !digits(s, 8, 2, d))
        return fail<std::int64_t>(why, "expected a date as YYYY-MM-DD");
    if (y < 1900 || y > 9999) return fail<std::int64_t>(why, "year out of range 1900..9999");
    if (m < 1 || m > 12) return fail<std::int64_t>(why, "month out of range 01..12");
    if (d < 1 || static_cast<unsigned>(d) > days_in_month(y, m))
        return fail<std::int64_t>(why, "day does not exist in that month");
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
    // Howard Hinnant's algorithm, the inverse of days_from_civil.
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
    const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<Timestamp> parse_timestamp(std::string_view s, std::string* why) {
    constexpr const char* kShape = "expected an ISO-8601 time with offset, like 2026-03-02T10:00:00+08:00";
    if (s.size() < 19 || s.size() > 32 || s[10] != 'T') return fail<Timestamp>(why, kShape);
    const auto day = parse_day(s, why);
    if (!day) return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' ||
        !digits(s, 17, 2, ss))
        return fail<Timestamp>(why, kShape);
    if (hh > 23 || mm > 59 || ss > 59) return fail<Timestamp>(why, "time of day out of range");
    std::size_t pos = 19;
    Timestamp micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        std::size_t n = 0;
        Timestamp scale = 100'000;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n, scale /= 10) {
            if (n == 6) return fail<Timestamp>(why, "more than 6 fractional digits");
            micros += (s[pos] - '0') * scale;
        }
        if (n == 0) return fail<Timestamp>(why, kShape);
    }
    Timestamp offset_s = 0;
    if (pos == s.size()) return fail<Timestamp>(why, "no UTC offset: add Z or an offset like +08:00");
    if (s[pos] == 'Z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = 0, om = 0;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, om))
            return fail<Timestamp>(why, "offset must look like +08:00 or -05:00");
        if (oh > 18 || om > 59) return fail<Timestamp>(why, "offset out of range");
        offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return fail<Timestamp>(why, kShape);
    }
    if (pos != s.size()) return fail<Timestamp>(why, "unexpected characters after the offset");
    const Timestamp local_s = *day * 86'400 + hh * 3600 + mm * 60 + ss;
    const Timestamp utc_s = local_s - offset_s;
    // Stored and written back in UTC, so the UTC time must be readable again.
    static const Timestamp first_s = days_from_civil(1900, 1, 1) * 86'400;
    static const Timestamp end_s = days_from_civil(10000, 1, 1) * 86'400;
    if (utc_s < first_s || utc_s >= end_s)
        return fail<Timestamp>(why, "in UTC this time falls outside the years 1900..9999");
    return utc_s * kMicrosPerSecond + micros;
}

std::string format_timestamp(Timestamp at) {
    Timestamp secs = at / kMicrosPerSecond, micros = at % kMicrosPerSecond;
    if (micros < 0) micros += kMicrosPerSecond, secs -= 1;
    std::int64_t days = secs / 86'400, rem = secs % 86'400;
    if (rem < 0) rem += 86'400, days -= 1;
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    // Digits written by hand: this runs once per stored event, and snprintf was
    // a measurable part of ingest.
    auto digits = [](char* p, unsigned v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    };
    std::string out;
    if (y < 0 || y > 9999) {  // outside the 4-digit range: rare, keep the general form
        char buf[24];
        const int n = std::snprintf(buf, sizeof buf, "%04d", y);
        out.assign(buf, static_cast<std::size_t>(n));
    } else {
        out.resize(4);
        digits(out.data(), static_cast<unsigned>(y), 4);
    }
    const std::size_t head = out.size();
    out.resize(head + 15);
    char* p = out.data() + head;  // -MM-DDThh:mm:ss
    p[0] = '-', p[3] = '-', p[6] = 'T', p[9] = ':', p[12] = ':';
    digits(p + 1, m, 2);
    digits(p + 4, d, 2);
    digits(p + 7, static_cast<unsigned>(rem / 3600), 2);
    digits(p + 10, static_cast<unsigned>(rem / 60 % 60), 2);
    digits(p + 13, static_cast<unsigned>(rem % 60), 2);
    if (micros != 0) {
        char frac[7];
        frac[0] = '.';
        digits(frac + 1, static_cast<unsigned>(micros), 6);
        std::size_t n = 7;
        while (frac[n - 1] == '0') --n;
        out.append(frac, n);
    }
    out += 'Z';
    return out;
}

std::optional<Date> parse_date(std::string_view s, std::string* why) {
    if (s.size() != 10) return fail<Date>(why, "expected a date as YYYY-MM-DD");
    const auto day = parse_day(s, why);
    if (!day) return std::nullopt;
    return static_cast<Date>(*day);
}

std::string format_date(Date date) {
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(date, y, m, d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
}

}  // namespace pursuit
