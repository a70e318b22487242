#pragma once

#include <string>
#include <string_view>

#include "relay/store/store.h"

// The call data export file gespr_dat.csv (FEATURES H2), written for spreadsheets:
//  - UTF-8 with a byte order mark (so spreadsheet programs detect the encoding),
//  - a header row in the user's language, English ("," between cells) or German (";": the
//    list separator German spreadsheets expect, because "," is their decimal comma),
//  - RFC 4180: CRLF line ends; a cell holding the separator, '"', CR or LF is quoted, with
//    '"' doubled inside,
//  - a cell whose text starts with '=', '+', '-', '@', TAB or CR gets a leading apostrophe,
//    so a spreadsheet shows it as text instead of running it as a formula (CSV injection),
//  - times as "YYYY-MM-DD HH:MM:SS" in UTC (the header says so), durations in seconds,
//    direction and result as words of the language.
// Pure formatting; one writer per export, any thread.
namespace ccc::relay::api {

enum class CsvLanguage { kEnglish, kGerman };

// "de" -> German; anything else English.
CsvLanguage CsvLanguageFor(std::string_view user_language);

class CallsCsvWriter {
 public:
  // with_system: the fleet export, whose rows start with the system's name and serial.
  CallsCsvWriter(CsvLanguage language, bool with_system);

  char separator() const { return separator_; }

  // Appends the byte order mark and the header row.
  void AppendHead(std::string* out) const;
  // Appends one call; system_name/system_serial only with_system.
  void AppendRow(const store::CallRow& call, std::string_view system_name,
                 std::string_view system_serial, std::string* out) const;

  // Appends one cell's text, neutralised and quoted as needed (no separator).
  static void AppendCell(std::string_view value, char separator, std::string* out);

 private:
  CsvLanguage language_;
  bool with_system_;
  char separator_;
};

}  // namespace ccc::relay::api
