#include "agent/sources/simulator/sim_calendar.h"

#include <array>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

// Office activity per local hour on working days (Monday to Thursday); lunch dip at 12.
constexpr std::array<double, 24> kWorkday{0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.25,
                                          0.70, 0.95, 1.00, 0.95, 0.55, 0.75, 0.90, 0.85,
                                          0.65, 0.35, 0.15, 0.07, 0.04, 0.03, 0.02, 0.01};
// Saturdays: a few people in the morning.
constexpr std::array<double, 24> kSaturday{0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.02,
                                           0.05, 0.08, 0.10, 0.08, 0.05, 0.03, 0.02, 0.02,
                                           0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01};
// Sundays and public holidays.
constexpr std::array<double, 24> kRestDay{0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01,
                                          0.01, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02,
                                          0.02, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
constexpr double kFridayAfternoon = 0.7;  // from 13:00 on Fridays

int64_t LastSundayOf(int64_t year, int month) {
  const int next_month = month == 12 ? 1 : month + 1;
  const int64_t next_year = month == 12 ? year + 1 : year;
  const int64_t last_day = DaysFromCivil({next_year, next_month, 1}) - 1;
  return last_day - (WeekdayOfDays(last_day) + 1) % 7;
}

// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
int64_t EasterSundayDays(int64_t year) {
  const int64_t a = year % 19;
  const int64_t b = year / 100;
  const int64_t c = year % 100;
  const int64_t d = b / 4;
  const int64_t e = b % 4;
  const int64_t f = (b + 8) / 25;
  const int64_t g = (b - f + 1) / 3;
  const int64_t h = (19 * a + b - d - g + 15) % 30;
  const int64_t i = c / 4;
  const int64_t k = c % 4;
  const int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int64_t m = (a + 11 * h + 22 * l) / 451;
  const int64_t month = (h + l - 7 * m + 114) / 31;
  const int64_t day = (h + l - 7 * m + 114) % 31 + 1;
  return DaysFromCivil({year, static_cast<int>(month), static_cast<int>(day)});
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(CivilDate date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t m = date.month;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), static_cast<int>(month), static_cast<int>(day)};
}

int WeekdayOfDays(int64_t days) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

int64_t GermanUtcOffsetMs(int64_t utc_ms) {
  const int64_t year = CivilFromDays(FloorDiv(utc_ms, kDayMs)).year;
  const int64_t summer_from = LastSundayOf(year, 3) * kDayMs + kHourMs;
  const int64_t summer_until = LastSundayOf(year, 10) * kDayMs + kHourMs;
  return (utc_ms >= summer_from && utc_ms < summer_until) ? 2 * kHourMs : kHourMs;
}

bool IsGermanPublicHoliday(CivilDate date) {
  if (date.month == 1 && date.day == 1) return true;
  if (date.month == 5 && date.day == 1) return true;
  if (date.month == 10 && date.day == 3) return true;
  if (date.month == 12 && (date.day == 25 || date.day == 26)) return true;
  const int64_t from_easter = DaysFromCivil(date) - EasterSundayDays(date.year);
  return from_easter == -2 || from_easter == 1 || from_easter == 39 || from_easter == 50;
}

LocalTime GermanLocalTime(int64_t utc_ms) {
  const int64_t local_ms = utc_ms + GermanUtcOffsetMs(utc_ms);
  const int64_t days = FloorDiv(local_ms, kDayMs);
  const int64_t in_day = local_ms - days * kDayMs;
  LocalTime t;
  t.date = CivilFromDays(days);
  t.weekday = WeekdayOfDays(days);
  t.hour = static_cast<int>(in_day / kHourMs);
  t.minute = static_cast<int>(in_day % kHourMs / kMinuteMs);
  t.holiday = IsGermanPublicHoliday(t.date);
  return t;
}

double OfficeActivity(int64_t utc_ms) {
  const LocalTime t = GermanLocalTime(utc_ms);
  const auto hour = static_cast<size_t>(t.hour);
  if (t.holiday || t.weekday == 6) return kRestDay[hour];
  if (t.weekday == 5) return kSaturday[hour];
  if (t.weekday == 4 && t.hour >= 13) return kWorkday[hour] * kFridayAfternoon;
  return kWorkday[hour];
}

}  // namespace ccc::agent::sources::sim
