#include "relay/api/calls_csv.h"

#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::api {
namespace {

std::string Cell(std::string_view value, char separator = ',') {
  std::string out;
  CallsCsvWriter::AppendCell(value, separator, &out);
  return out;
}

store::CallRow SampleRow() {
  store::CallRow c;
  c.device = "PBX-1";
  c.call_id = 4711;
  c.start_ms = 1'767'225'600'000 + 3'723'000;  // 2026-01-01 01:02:03 UTC
  c.duration_s = 95;
  c.direction = "incoming";
  c.result = "successful";
  c.external_number = "+49301234567";
  c.external_name = "Müller, Jörg";
  c.billing_number = "201";
  c.billing_name = "Sales";
  c.real_name = "Anna";
  c.own_number = "+495219876500";
  c.call_type = "business";
  return c;
}

TEST(CallsCsv, HeadStartsWithTheByteOrderMarkAndNamesTheColumnsInEnglish) {
  std::string out;
  CallsCsvWriter(CsvLanguage::kEnglish, false).AppendHead(&out);
  EXPECT_EQ(out,
            "\xEF\xBB\xBF"
            "Call ID,Start (UTC),Duration (s),Direction,Result,External number,External name,"
            "Billing number,Billing name,Real name,Own number,Call type\r\n");
}

TEST(CallsCsv, GermanHeadUsesSemicolonsAndGermanNames) {
  std::string out;
  CallsCsvWriter(CsvLanguage::kGerman, true).AppendHead(&out);
  EXPECT_EQ(out,
            "\xEF\xBB\xBF"
            "System;Seriennummer;Datensatz-Nr.;Beginn (UTC);Dauer (s);Richtung;Ergebnis;"
            "Externe Rufnummer;Externer Name;Abrechnungsnummer;Abrechnungsname;"
            "Tats\xC3\xA4"
            "chlicher Name;Eigene Rufnummer;Gespr\xC3\xA4"
            "chsart\r\n");
}

TEST(CallsCsv, RowHoldsEveryFieldWithTimeInUtcAndWordsOfTheLanguage) {
  std::string en, de;
  CallsCsvWriter(CsvLanguage::kEnglish, false).AppendRow(SampleRow(), "", "", &en);
  CallsCsvWriter(CsvLanguage::kGerman, true).AppendRow(SampleRow(), "Head office", "PBX-1", &de);
  EXPECT_EQ(en,
            "4711,2026-01-01 01:02:03,95,Incoming,Successful,'+49301234567,\"Müller, Jörg\","
            "201,Sales,Anna,'+495219876500,business\r\n");
  EXPECT_EQ(de,
            "Head office;PBX-1;4711;2026-01-01 01:02:03;95;Kommend;Erfolgreich;'+49301234567;"
            "Müller, Jörg;201;Sales;Anna;'+495219876500;business\r\n");
}

TEST(CallsCsv, UnsuccessfulOutgoingAndInternalAreTranslated) {
  store::CallRow c = SampleRow();
  c.direction = "outgoing";
  c.result = "unsuccessful";
  std::string de;
  CallsCsvWriter(CsvLanguage::kGerman, false).AppendRow(c, "", "", &de);
  EXPECT_NE(de.find(";Gehend;Nicht erfolgreich;"), std::string::npos) << de;
  c.direction = "internal";
  std::string en;
  CallsCsvWriter(CsvLanguage::kEnglish, false).AppendRow(c, "", "", &en);
  EXPECT_NE(en.find(",Internal,Unsuccessful,"), std::string::npos) << en;
}

TEST(CallsCsv, PlainTextIsNotQuoted) { EXPECT_EQ(Cell("Anna Becker"), "Anna Becker"); }

TEST(CallsCsv, QuotesAreDoubledInsideAQuotedCell) {
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(CallsCsv, TheSeparatorOfTheLanguageForcesQuotingButTheOtherDoesNot) {
  EXPECT_EQ(Cell("a,b", ','), "\"a,b\"");
  EXPECT_EQ(Cell("a;b", ','), "a;b");
  EXPECT_EQ(Cell("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(Cell("a,b", ';'), "a,b");
}

TEST(CallsCsv, LineBreaksAreKeptInsideQuotes) {
  EXPECT_EQ(Cell("line 1\nline 2"), "\"line 1\nline 2\"");
  EXPECT_EQ(Cell("line 1\r\nline 2"), "\"line 1\r\nline 2\"");
}

TEST(CallsCsv, FormulaStartsGetALeadingApostrophe) {
  EXPECT_EQ(Cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(Cell("=1+2"), "'=1+2");
  EXPECT_EQ(Cell("+49301234567"), "'+49301234567");
  EXPECT_EQ(Cell("-5"), "'-5");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tcmd"), "'\tcmd");
  EXPECT_EQ(Cell("\rcmd"), "\"'\rcmd\"");
}

TEST(CallsCsv, FormulaCharactersLaterInTheTextAreLeftAlone) {
  EXPECT_EQ(Cell("a=b+c-d@e"), "a=b+c-d@e");
  EXPECT_EQ(Cell(""), "");
}

TEST(CallsCsv, TimesBeforeTenOClockAndEarlyDatesArePadded) {
  store::CallRow c = SampleRow();
  c.start_ms = 0;
  std::string out;
  CallsCsvWriter(CsvLanguage::kEnglish, false).AppendRow(c, "", "", &out);
  EXPECT_EQ(out.substr(0, 25), "4711,1970-01-01 00:00:00,");
}

TEST(CallsCsv, LanguageIsGermanOnlyForDe) {
  EXPECT_EQ(CsvLanguageFor("de"), CsvLanguage::kGerman);
  EXPECT_EQ(CsvLanguageFor("en"), CsvLanguage::kEnglish);
  EXPECT_EQ(CsvLanguageFor(""), CsvLanguage::kEnglish);
}

}  // namespace
}  // namespace ccc::relay::api
