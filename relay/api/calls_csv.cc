#include "relay/api/calls_csv.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace ccc::relay::api {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kLineEnd = "\r\n";

struct Texts {
  std::array<std::string_view, 2> system_columns;
  std::array<std::string_view, 12> call_columns;
  std::array<std::string_view, 3> directions;  // incoming, outgoing, internal
  std::array<std::string_view, 2> results;     // successful, unsuccessful
};

constexpr Texts kEnglish = {
    {"System", "Serial number"},
    {"Call ID", "Start (UTC)", "Duration (s)", "Direction", "Result", "External number",
     "External name", "Billing number", "Billing name", "Real name", "Own number", "Call type"},
    {"Incoming", "Outgoing", "Internal"},
    {"Successful", "Unsuccessful"},
};

constexpr Texts kGerman = {
    {"System", "Seriennummer"},
    {"Datensatz-Nr.", "Beginn (UTC)", "Dauer (s)", "Richtung", "Ergebnis", "Externe Rufnummer",
     "Externer Name", "Abrechnungsnummer", "Abrechnungsname",
     "Tats\xC3\xA4"
     "chlicher Name",
     "Eigene Rufnummer",
     "Gespr\xC3\xA4"
     "chsart"},
    {"Kommend", "Gehend", "Intern"},
    {"Erfolgreich", "Nicht erfolgreich"},
};

const Texts& TextsOf(CsvLanguage language) {
  return language == CsvLanguage::kGerman ? kGerman : kEnglish;
}

std::string_view Word(std::string_view wire, std::array<std::string_view, 3> wires,
                      const std::string_view* words, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (wires[i] == wire) return words[i];
  }
  return wire;  // a value this relay does not know yet: as the PBX wrote it
}

void AppendInt(int64_t value, std::string* out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, end);
}

void AppendTwo(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

// "YYYY-MM-DD HH:MM:SS" (UTC) of a Unix ms time (Howard Hinnant's civil_from_days).
void AppendTime(int64_t unix_ms, std::string* out) {
  int64_t seconds = unix_ms / 1000;
  if (unix_ms < 0 && unix_ms % 1000 != 0) --seconds;
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  if (year >= 0 && year < 10)
    out->append("000");
  else if (year >= 10 && year < 100)
    out->append("00");
  else if (year >= 100 && year < 1000)
    out->push_back('0');
  AppendInt(year, out);
  out->push_back('-');
  AppendTwo(static_cast<int>(month), out);
  out->push_back('-');
  AppendTwo(static_cast<int>(day), out);
  out->push_back(' ');
  AppendTwo(static_cast<int>(rest / 3600), out);
  out->push_back(':');
  AppendTwo(static_cast<int>(rest / 60 % 60), out);
  out->push_back(':');
  AppendTwo(static_cast<int>(rest % 60), out);
}

}  // namespace

CsvLanguage CsvLanguageFor(std::string_view user_language) {
  return user_language == "de" ? CsvLanguage::kGerman : CsvLanguage::kEnglish;
}

CallsCsvWriter::CallsCsvWriter(CsvLanguage language, bool with_system)
    : language_(language),
      with_system_(with_system),
      separator_(language == CsvLanguage::kGerman ? ';' : ',') {}

void CallsCsvWriter::AppendCell(std::string_view value, char separator, std::string* out) {
  const bool neutralise =
      !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t' || value[0] == '\r');
  const bool quote = value.find_first_of(std::string_view("\"\r\n", 3)) != std::string_view::npos ||
                     value.find(separator) != std::string_view::npos;
  if (!quote) {
    if (neutralise) out->push_back('\'');
    out->append(value);
    return;
  }
  out->push_back('"');
  if (neutralise) out->push_back('\'');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void CallsCsvWriter::AppendHead(std::string* out) const {
  const Texts& texts = TextsOf(language_);
  out->append(kBom);
  bool first = true;
  auto cell = [&](std::string_view text) {
    if (!first) out->push_back(separator_);
    first = false;
    AppendCell(text, separator_, out);
  };
  if (with_system_) {
    for (std::string_view column : texts.system_columns) cell(column);
  }
  for (std::string_view column : texts.call_columns) cell(column);
  out->append(kLineEnd);
}

void CallsCsvWriter::AppendRow(const store::CallRow& call, std::string_view system_name,
                               std::string_view system_serial, std::string* out) const {
  const Texts& texts = TextsOf(language_);
  const char sep = separator_;
  if (with_system_) {
    AppendCell(system_name, sep, out);
    out->push_back(sep);
    AppendCell(system_serial, sep, out);
    out->push_back(sep);
  }
  AppendInt(static_cast<int64_t>(call.call_id), out);
  out->push_back(sep);
  AppendTime(call.start_ms, out);
  out->push_back(sep);
  AppendInt(call.duration_s, out);
  out->push_back(sep);
  AppendCell(Word(call.direction, {"incoming", "outgoing", "internal"}, texts.directions.data(), 3),
             sep, out);
  out->push_back(sep);
  AppendCell(Word(call.result, {"successful", "unsuccessful", ""}, texts.results.data(), 2), sep,
             out);
  for (const std::string* text :
       {&call.external_number, &call.external_name, &call.billing_number, &call.billing_name,
        &call.real_name, &call.own_number, &call.call_type}) {
    out->push_back(sep);
    AppendCell(*text, sep, out);
  }
  out->append(kLineEnd);
}

}  // namespace ccc::relay::api
