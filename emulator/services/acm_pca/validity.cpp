// Validity arithmetic with C++20's calendar: a month after 31 January is the last day of
// February, as a calendar reader expects.
#include "services/acm_pca/validity.hpp"

#include <chrono>
#include <string>

#include "common/aws_error.hpp"

namespace iotemu::services::acm_pca {
namespace {

using namespace std::chrono;

// Timestamps count nanoseconds in 64 bits, which end in 2262: validity stops a little before.
constexpr year last_year{2250};
constexpr std::int64_t max_days = 200 * 365;
constexpr std::int64_t max_epoch_seconds = 8'800'000'000;  // 2248

[[noreturn]] void invalid(std::string message) {
    throw AwsError(aws_errors::invalid_args, std::move(message));
}

Timestamp plus_months(Timestamp start, std::int64_t months) {
    const auto day = floor<days>(start);
    const auto time_of_day = start - day;
    year_month_day date{day};
    auto moved = date.year() / date.month() + std::chrono::months(months);
    year_month_day result = moved / date.day();
    if (!result.ok()) result = moved / last;  // clamp to the month's last day
    return sys_days(result) + time_of_day;
}

// yyyyMMddHHmmss as a number, e.g. 20301231235959.
Timestamp end_date(std::int64_t value) {
    const std::string text = std::to_string(value);
    if (text.size() != 14) invalid("Validity END_DATE must be yyyyMMddHHmmss, not " + text);
    const auto field = [&](std::size_t at, std::size_t length) {
        return std::stoi(text.substr(at, length));
    };
    const year_month_day date{year{field(0, 4)}, month{static_cast<unsigned>(field(4, 2))},
                              day{static_cast<unsigned>(field(6, 2))}};
    const int hour = field(8, 2), minute = field(10, 2), second = field(12, 2);
    if (!date.ok() || hour > 23 || minute > 59 || second > 59)
        invalid("Validity END_DATE " + text + " is not a date");
    if (date.year() > last_year) invalid("Validity END_DATE " + text + " is too far ahead");
    return sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
}

}  // namespace

Timestamp validity_end(const Validity& validity, Timestamp issued) {
    if (validity.value < 1) invalid("Validity Value must be at least 1");
    if (validity.type == "DAYS") {
        if (validity.value > max_days) invalid("Validity is too long");
        return issued + days(validity.value);
    }
    if (validity.type == "MONTHS") {
        if (validity.value > max_days / 31) invalid("Validity is too long");
        return plus_months(issued, validity.value);
    }
    if (validity.type == "YEARS") {
        if (validity.value > max_days / 366) invalid("Validity is too long");
        return plus_months(issued, validity.value * 12);
    }
    if (validity.type == "ABSOLUTE") {
        if (validity.value > max_epoch_seconds) invalid("Validity is too long");
        return Timestamp{seconds(validity.value)};
    }
    if (validity.type == "END_DATE") return end_date(validity.value);
    invalid("Validity Type must be one of END_DATE, ABSOLUTE, DAYS, MONTHS, YEARS, not " +
            validity.type);
}

}  // namespace iotemu::services::acm_pca
