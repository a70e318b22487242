#include "agent/sources/simulator/sim_calendar.h"

#include <gtest/gtest.h>

namespace ccc::agent::sources::sim {
namespace {

int64_t Utc(int64_t year, int month, int day, int hour = 0, int minute = 0) {
  return DaysFromCivil({year, month, day}) * kDayMs + hour * kHourMs + minute * kMinuteMs;
}

TEST(SimCalendar, CivilDatesRoundTripAcrossCenturies) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
  for (int64_t days = -800'000; days <= 800'000; days += 997) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days);
  }
}

TEST(SimCalendar, WeekdaysStartOnMonday) {
  EXPECT_EQ(WeekdayOfDays(DaysFromCivil({2025, 6, 2})), 0);    // Monday
  EXPECT_EQ(WeekdayOfDays(DaysFromCivil({2025, 6, 8})), 6);    // Sunday
  EXPECT_EQ(WeekdayOfDays(DaysFromCivil({1969, 12, 31})), 2);  // Wednesday
}

TEST(SimCalendar, SummerTimeStartsAndEndsAtOneInTheMorningUtc) {
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2025, 3, 30, 1) - 1), kHourMs);
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2025, 3, 30, 1)), 2 * kHourMs);
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2025, 10, 26, 1) - 1), 2 * kHourMs);
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2025, 10, 26, 1)), kHourMs);
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2024, 3, 31, 1)), 2 * kHourMs);
  EXPECT_EQ(GermanUtcOffsetMs(Utc(2024, 1, 15, 12)), kHourMs);
}

TEST(SimCalendar, LocalTimeFollowsTheOffset) {
  const LocalTime summer = GermanLocalTime(Utc(2025, 6, 2, 8, 30));
  EXPECT_EQ(summer.date, (CivilDate{2025, 6, 2}));
  EXPECT_EQ(summer.hour, 10);
  EXPECT_EQ(summer.minute, 30);
  EXPECT_EQ(summer.weekday, 0);
  const LocalTime new_year = GermanLocalTime(Utc(2024, 12, 31, 23, 30));
  EXPECT_EQ(new_year.date, (CivilDate{2025, 1, 1}));
  EXPECT_EQ(new_year.hour, 0);
  EXPECT_TRUE(new_year.holiday);
}

TEST(SimCalendar, KnowsTheNationwideHolidaysIncludingTheMovableOnes) {
  for (CivilDate d : {CivilDate{2025, 1, 1}, CivilDate{2025, 4, 18}, CivilDate{2025, 4, 21},
                      CivilDate{2025, 5, 1}, CivilDate{2025, 5, 29}, CivilDate{2025, 6, 9},
                      CivilDate{2025, 10, 3}, CivilDate{2025, 12, 25}, CivilDate{2025, 12, 26},
                      CivilDate{2024, 3, 29}, CivilDate{2024, 4, 1}, CivilDate{2024, 5, 9},
                      CivilDate{2024, 5, 20}}) {
    EXPECT_TRUE(IsGermanPublicHoliday(d)) << d.year << "-" << d.month << "-" << d.day;
  }
  for (CivilDate d : {CivilDate{2025, 4, 17}, CivilDate{2025, 6, 10}, CivilDate{2025, 12, 24}}) {
    EXPECT_FALSE(IsGermanPublicHoliday(d)) << d.year << "-" << d.month << "-" << d.day;
  }
}

TEST(SimCalendar, OfficesAreBusyOnWeekdayMorningsAndQuietAtNightAndOnSundays) {
  const double tuesday_ten = OfficeActivity(Utc(2025, 6, 3, 8));  // 10:00 CEST
  EXPECT_EQ(tuesday_ten, 1.0);
  EXPECT_LT(OfficeActivity(Utc(2025, 6, 3, 1)), 0.05);   // 03:00
  EXPECT_LT(OfficeActivity(Utc(2025, 6, 8, 10)), 0.05);  // Sunday noon
  EXPECT_LT(OfficeActivity(Utc(2025, 6, 7, 9)), 0.2);    // Saturday 11:00
  EXPECT_LT(OfficeActivity(Utc(2025, 6, 6, 13)), OfficeActivity(Utc(2025, 6, 5, 13)));  // Friday
}

TEST(SimCalendar, PublicHolidaysAreAsQuietAsSundays) {
  EXPECT_LT(OfficeActivity(Utc(2025, 4, 18, 8)), 0.05);  // Good Friday, 10:00
  EXPECT_LT(OfficeActivity(Utc(2025, 10, 3, 8)), 0.05);
}

}  // namespace
}  // namespace ccc::agent::sources::sim
