#pragma once

#include <cstdint>

// The simulated PBX stands in Germany: office hours, weekends and public holidays follow
// German local time (CET/CEST by the EU rule), computed without the system's time zone
// database so that the simulation is the same on every machine.
namespace ccc::agent::sources::sim {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 (proleptic Gregorian calendar) and back.
int64_t DaysFromCivil(CivilDate date);
CivilDate CivilFromDays(int64_t days);
// 0 = Monday ... 6 = Sunday.
int WeekdayOfDays(int64_t days);

// Offset of German local time from UTC at that instant: 1 h (CET) or 2 h (CEST, from the
// last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
int64_t GermanUtcOffsetMs(int64_t utc_ms);

// Nationwide public holidays: New Year, Good Friday, Easter Monday, Labour Day, Ascension,
// Whit Monday, German Unity Day, Christmas Day and Boxing Day.
bool IsGermanPublicHoliday(CivilDate date);

struct LocalTime {
  CivilDate date;
  int weekday = 0;  // 0 = Monday
  int hour = 0;
  int minute = 0;
  bool holiday = false;
};
LocalTime GermanLocalTime(int64_t utc_ms);

// How busy an office is at that instant, 0..1: 1 in the busiest weekday hours, a few percent
// at night, on Sundays and public holidays.
double OfficeActivity(int64_t utc_ms);

}  // namespace ccc::agent::sources::sim
