#include "agent/sources/simulator/sim_fleet.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

constexpr uint64_t kTagPhone = StableHash("phone", 0);
constexpr uint64_t kTagMac = StableHash("mac", 0);
constexpr uint64_t kTagPerson = StableHash("person", 0);
constexpr uint64_t kTagAccount = StableHash("account", 0);
constexpr uint64_t kTagContact = StableHash("contact", 0);
constexpr uint64_t kTagSite = StableHash("site", 0);

// Auerswald's IEEE OUI; third-party phones carry their makers' OUIs.
constexpr std::string_view kAuerswaldOui = "00:09:52";
constexpr std::string_view kYealinkOui = "80:5E:C0";
constexpr std::string_view kSnomOui = "00:04:13";

constexpr std::array<std::string_view, 48> kFirstNames{
    "Anna",   "Ben",   "Clara",   "David",     "Emma",    "Felix",  "Greta",  "Hannah",
    "Jan",    "Julia", "Jonas",   "Katharina", "Lena",    "Leon",   "Lukas",  "Marie",
    "Max",    "Mia",   "Niklas",  "Nina",      "Paul",    "Lea",    "Sophie", "Tim",
    "Tobias", "Laura", "Sarah",   "Thomas",    "Sabine",  "Stefan", "Andrea", "Michael",
    "Petra",  "Frank", "Claudia", "Markus",    "Monika",  "Jürgen", "Birgit", "Uwe",
    "Karin",  "Dirk",  "Susanne", "Florian",   "Johanna", "Moritz", "Elif",   "Mehmet"};
constexpr std::array<std::string_view, 48> kLastNames{
    "Müller",   "Schmidt",  "Schneider", "Fischer",    "Weber",  "Meyer",   "Wagner",  "Becker",
    "Schulz",   "Hoffmann", "Schäfer",   "Koch",       "Bauer",  "Richter", "Klein",   "Wolf",
    "Schröder", "Neumann",  "Schwarz",   "Zimmermann", "Braun",  "Krüger",  "Hofmann", "Hartmann",
    "Lange",    "Schmitt",  "Werner",    "Schmitz",    "Krause", "Meier",   "Lehmann", "Schmid",
    "Schulze",  "Maier",    "Köhler",    "Herrmann",   "König",  "Walter",  "Mayer",   "Huber",
    "Kaiser",   "Fuchs",    "Peters",    "Lang",       "Scholz", "Möller",  "Weiß",    "Jung"};
constexpr uint64_t kNamePairs = kFirstNames.size() * kLastNames.size();
// Odd and not a multiple of 3, so i -> i * kNameStride mod 2304 is a bijection.
constexpr uint64_t kNameStride = 37;
static_assert(kNamePairs == 2304 && kNamePairs >= kMaxPhones);

struct Area {
  std::string_view code;
  std::string_view city;
};
constexpr std::array<Area, 15> kAreas{{{"30", "Berlin"},
                                       {"40", "Hamburg"},
                                       {"89", "München"},
                                       {"221", "Köln"},
                                       {"69", "Frankfurt am Main"},
                                       {"711", "Stuttgart"},
                                       {"211", "Düsseldorf"},
                                       {"511", "Hannover"},
                                       {"531", "Braunschweig"},
                                       {"521", "Bielefeld"},
                                       {"341", "Leipzig"},
                                       {"351", "Dresden"},
                                       {"911", "Nürnberg"},
                                       {"421", "Bremen"},
                                       {"201", "Essen"}}};

constexpr std::array<std::string_view, 15> kMobilePrefixes{"151", "152", "157", "160", "162",
                                                           "170", "171", "172", "173", "174",
                                                           "175", "176", "177", "178", "179"};

struct Foreign {
  std::string_view prefix;  // country and area code
  int digits;
};
constexpr std::array<Foreign, 6> kForeign{
    {{"+431", 7}, {"+4144", 7}, {"+3120", 7}, {"+331", 8}, {"+4420", 8}, {"+4822", 7}}};

// Named SIP desk phones at fixed positions, so every PBX has them.
struct FixedName {
  int index;  // 1-based
  std::string_view name;
  double call_weight;
};
constexpr std::array<FixedName, 4> kFixedDeskNames{{{1, "Reception", 6.0},
                                                    {2, "Sales 1", 3.0},
                                                    {3, "Sales 2", 3.0},
                                                    {5, "Managing director", 2.0}}};
constexpr int kManagingDirectorIndex = 5;
// Further room and team phones, handed out in this order.
constexpr std::array<std::string_view, 16> kRoomNames{
    "Accounting",    "Warehouse",  "Meeting room", "Support 1", "Support 2", "Workshop",
    "Training room", "Purchasing", "IT",           "Marketing", "Shipping",  "Canteen",
    "Sales 3",       "Support 3",  "Lab",          "Archive"};
// Analogue devices, handed out in this order; then "Analogue <n>".
struct AnalogueUse {
  std::string_view name;
  double call_weight;
};
constexpr std::array<AnalogueUse, 5> kAnalogueUses{{{"Fax", 0.6},
                                                    {"Lift emergency phone", 0.02},
                                                    {"Alarm system", 0.02},
                                                    {"Fax 2", 0.3},
                                                    {"Franking machine", 0.02}}};

struct DeskModel {
  std::string_view model;
  std::string_view oui;
  bool tls;  // provisioned with TLS by the PBX
  double share;
};
constexpr std::array<DeskModel, 10> kDeskModels{{{"COMfortel D-100", kAuerswaldOui, true, 0.15},
                                                 {"COMfortel D-110", kAuerswaldOui, true, 0.15},
                                                 {"COMfortel D-200", kAuerswaldOui, true, 0.15},
                                                 {"COMfortel D-210", kAuerswaldOui, true, 0.15},
                                                 {"COMfortel D-400", kAuerswaldOui, true, 0.15},
                                                 {"COMfortel D-600", kAuerswaldOui, true, 0.05},
                                                 {"COMfortel 3600 IP", kAuerswaldOui, false, 0.05},
                                                 {"COMfortel 2600 IP", kAuerswaldOui, false, 0.03},
                                                 {"Yealink SIP-T54W", kYealinkOui, false, 0.07},
                                                 {"snom D785", kSnomOui, false, 0.05}}};
constexpr std::array<std::string_view, 3> kHandsetModels{
    "COMfortel M-510 (DECT)", "COMfortel M-710 (DECT)", "COMfortel M-720 (DECT)"};
constexpr std::array<std::string_view, 2> kBaseModels{"COMfortel WS-500S", "COMfortel WS-500M"};

// Kind mix for entries from index 7 on; indices 1-5 are desk phones except 4 (analogue),
// and every 16th entry from 6 on is a DECT base.
constexpr double kAnalogueShare = 0.07;
constexpr double kDectShare = 0.22;
constexpr double kRoomNameShare = 0.15;

constexpr std::array<std::string_view, 12> kTrades{
    "Haustechnik",    "Steuerberatung", "Logistik GmbH", "Immobilien",
    "Elektrotechnik", "Metallbau GmbH", "Rechtsanwälte", "Druckerei",
    "IT-Service",     "Spedition",      "Gartenbau",     "Sanitär GmbH"};
constexpr std::array<std::string_view, 4> kInstitutions{"Stadtwerke", "Sparkasse", "Finanzamt",
                                                        "Handwerkskammer"};

std::string ZeroPad(int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
  }
  return digits;
}

// `count` random digits, the first one not 0 or 1 (those start trunk/special prefixes).
std::string SubscriberDigits(Draws& d, int64_t count) {
  std::string digits;
  digits.push_back(static_cast<char>('0' + d.Between(2, 9)));
  for (int64_t i = 1; i < count; ++i) digits.push_back(static_cast<char>('0' + d.Between(0, 9)));
  return digits;
}

std::string GermanLandline(Draws& d, std::string_view area) {
  // National numbers are 10 or 11 digits long, area code included.
  const int64_t digits = 10 - static_cast<int64_t>(area.size()) + d.Between(0, 1);
  return "+49" + std::string(area) + SubscriberDigits(d, digits);
}

std::string MacAddress(std::string_view oui, uint32_t low24) {
  char buffer[18];
  std::snprintf(buffer, sizeof buffer, "%.8s:%02X:%02X:%02X", std::string(oui).c_str(),
                (low24 >> 16) & 0xFF, (low24 >> 8) & 0xFF, low24 & 0xFF);
  return buffer;
}

std::string PersonName(uint64_t seed, uint64_t index, uint64_t salt) {
  const uint64_t p = (index * kNameStride + Hash(seed, kTagPerson, salt)) % kNamePairs;
  const uint64_t first = p % kFirstNames.size();
  const uint64_t last = (p / kFirstNames.size() + 7 * first) % kLastNames.size();
  return std::string(kFirstNames[first]) + " " + std::string(kLastNames[last]);
}

template <typename T>
std::vector<double> CumulativeWeights(const std::vector<T>& items, auto weight_of) {
  std::vector<double> cdf;
  cdf.reserve(items.size());
  double sum = 0;
  for (const auto& item : items) {
    sum += weight_of(item);
    cdf.push_back(sum);
  }
  return cdf;
}

int64_t RoundUp(int64_t value, int64_t step) { return (value + step - 1) / step * step; }

void AddPhones(Fleet& f, int phones) {
  const bool four_digit = phones > kMaxPhonesWithThreeDigits;
  const int extension_base = four_digit ? 2000 : 200;
  const uint64_t mac_offset = Hash(f.seed, kTagMac);
  size_t room_names_used = 0;
  int analogue_ports = 0;
  int dect_bases = 0;
  f.phones.reserve(static_cast<size_t>(phones));
  for (int i = 1; i <= phones; ++i) {
    Draws d(Hash(f.seed, kTagPhone, i));
    SimPhone p;
    Telephone& t = p.telephone;
    t.id = "tel-" + ZeroPad(i, 4);
    const auto mac_low = static_cast<uint32_t>((mac_offset + uint64_t{0x9E3779B1} * i) & 0xFFFFFF);
    const double kind_draw = d.Unit();
    if (i % 16 == 6) {
      t.kind = TelephoneKind::kDectBase;
    } else if (i == 4 || (i > 6 && kind_draw < kAnalogueShare)) {
      t.kind = TelephoneKind::kAnalogue;
    } else if (i > 6 && kind_draw < kAnalogueShare + kDectShare) {
      t.kind = TelephoneKind::kDect;
    } else {
      t.kind = TelephoneKind::kSipDesk;
    }
    if (t.kind != TelephoneKind::kDectBase) {
      t.extension = std::to_string(extension_base + i);
      p.ddi = t.extension;
    }
    const std::string person = PersonName(f.seed, static_cast<uint64_t>(i), 0);
    switch (t.kind) {
      case TelephoneKind::kSipDesk: {
        const auto fixed = std::find_if(kFixedDeskNames.begin(), kFixedDeskNames.end(),
                                        [i](const FixedName& n) { return n.index == i; });
        const bool room = d.Chance(kRoomNameShare);
        if (fixed != kFixedDeskNames.end()) {
          t.name = fixed->name;
          p.call_weight = fixed->call_weight;
        } else if (room && room_names_used < kRoomNames.size()) {
          t.name = kRoomNames[room_names_used++];
          p.call_weight = 1.5;
        } else {
          t.name = person;
          p.call_weight = 1;
        }
        // Entry 3 is an older phone without TLS, so every PBX has an unencrypted one.
        const DeskModel* model = &kDeskModels[7];
        double pick = d.Unit();
        if (i == 1) {
          model = &kDeskModels[5];
        } else if (i != 3) {
          for (const DeskModel& m : kDeskModels) {
            model = &m;
            if (pick < m.share) break;
            pick -= m.share;
          }
        }
        t.model = model->model;
        t.mac = MacAddress(model->oui, mac_low);
        p.baseline = model->tls ? TelephoneStatus::kRegisteredEncrypted
                                : TelephoneStatus::kRegisteredUnencrypted;
        f.sip_desks.push_back(f.phones.size());
        break;
      }
      case TelephoneKind::kDectBase:
        ++dect_bases;
        t.name = "DECT base " + std::to_string(dect_bases);
        t.model = kBaseModels[static_cast<size_t>(d.Between(0, 1))];
        t.mac = MacAddress(kAuerswaldOui, mac_low);
        p.baseline = TelephoneStatus::kProvisioningDone;
        break;
      case TelephoneKind::kDect: {
        const int base = i - (i - 6) % 16;  // the latest base before it (1-based)
        p.dect_base = base - 1;
        t.dect_base_id = "tel-" + ZeroPad(base, 4);
        t.name = person;
        t.model = kHandsetModels[static_cast<size_t>(d.Between(0, kHandsetModels.size() - 1))];
        p.baseline = d.Chance(0.85) ? TelephoneStatus::kRegisteredEncrypted
                                    : TelephoneStatus::kRegisteredUnencrypted;
        p.call_weight = 0.8;
        break;
      }
      case TelephoneKind::kAnalogue: {
        ++analogue_ports;
        const auto use = static_cast<size_t>(analogue_ports - 1);
        if (use < kAnalogueUses.size()) {
          t.name = kAnalogueUses[use].name;
          p.call_weight = kAnalogueUses[use].call_weight;
        } else {
          t.name = "Analogue " + std::to_string(analogue_ports);
          p.call_weight = 0.05;
        }
        t.model = "analogue port " + std::to_string(analogue_ports);
        p.baseline = TelephoneStatus::kConnectedAnalogue;
        break;
      }
    }
    if (t.kind != TelephoneKind::kDectBase) f.users.push_back(f.phones.size());
    f.phones.push_back(std::move(p));
  }
  f.user_weight_cdf =
      CumulativeWeights(f.users, [&f](size_t index) { return f.phones[index].call_weight; });

  const std::string prefix = four_digit ? "5" : "4";
  const std::string pad = four_digit ? "00" : "0";
  f.groups = {{prefix + pad + "0", "Reception"},
              {prefix + pad + "1", "Sales"},
              {prefix + pad + "2", "Support"}};
  f.door = {four_digit ? "5900" : "490", "Door intercom"};
  const SimPhone& director = f.phones[kManagingDirectorIndex - 1];
  f.call_through_user = {RandomMobileNumber(Hash(f.seed, kTagPerson, 1)), director.telephone.name};
}

struct ProviderChoice {
  std::string_view provider;
  std::string_view stun_server;
};

void AddAccounts(Fleet& f, int phones) {
  constexpr std::array<ProviderChoice, 3> kTrunkProviders{
      {{"Deutsche Telekom", ""}, {"1&1 Versatel", ""}, {"Vodafone", ""}}};
  constexpr std::array<ProviderChoice, 2> kStunProviders{
      {{"sipgate", "stun.sipgate.net"}, {"easybell", "stun.easybell.de"}}};
  // Incoming calls on account k (0-based) ring group k % 3 (Reception, Sales, Support).
  constexpr std::array<std::string_view, 9> kExtraNames{
      "Branch office North", "Service hotline", "Fax line",
      "Branch office South", "Order hotline",   "Helpdesk",
      "Emergency line",      "Warehouse line",  "Backup line"};
  const int count = 3 + std::min(9, phones / 40);
  for (int k = 1; k <= count; ++k) {
    Draws d(Hash(f.seed, kTagAccount, k));
    SimAccount a;
    if (k == 1) {
      a.role = AccountRole::kTrunk;
    } else if (k == 2) {
      a.role = AccountRole::kStunRegistered;
    } else if (k == 3) {
      a.role = AccountRole::kNoRegistration;
    } else {
      const double u = d.Unit();
      a.role = u < 0.4   ? AccountRole::kTrunk
               : u < 0.8 ? AccountRole::kStunRegistered
                         : AccountRole::kNoRegistration;
    }
    ProviderChoice provider;
    switch (a.role) {
      case AccountRole::kTrunk:
        provider = k == 1 ? kTrunkProviders[d.Chance(0.7) ? 0 : 1]
                          : kTrunkProviders[static_cast<size_t>(d.Between(0, 2))];
        a.baseline = AccountStatus::kRegisteredEncrypted;
        a.direct_dial = true;
        a.channels = phones <= 30 ? 10 : phones <= 200 ? 30 : 60;
        a.call_weight = 6;
        break;
      case AccountRole::kStunRegistered:
        provider =
            k == 2 ? kStunProviders[0] : kStunProviders[static_cast<size_t>(d.Between(0, 1))];
        a.baseline = AccountStatus::kRegisteredUnencrypted;
        a.channels = 2;
        a.call_weight = 1.5;
        break;
      case AccountRole::kNoRegistration:
        provider = kStunProviders[1];
        a.baseline = AccountStatus::kInviteAnswered;
        a.channels = 2;
        a.call_weight = 0.5;
        break;
    }
    ProviderAccount& p = a.account;
    p.id = "acc-" + ZeroPad(k, 2);
    p.name = k == 1   ? "Main line"
             : k == 2 ? "Sales hotline"
             : k == 3 ? "Support line"
                      : std::string(kExtraNames[static_cast<size_t>(k - 4)]);
    p.provider = provider.provider;
    p.stun_server = provider.stun_server;
    const std::string& area = f.area_code;
    if (a.direct_dial) {
      const std::string block = SubscriberDigits(d, 8 - static_cast<int64_t>(area.size()));
      a.e164 = "+49" + area + block;
      p.number = "+49 " + area + " " + block + "-0";
    } else {
      const std::string subscriber = SubscriberDigits(d, 10 - static_cast<int64_t>(area.size()));
      a.e164 = "+49" + area + subscriber;
      p.number = "+49 " + area + " " + subscriber;
    }
    p.status = a.baseline;
    f.accounts.push_back(std::move(a));
  }
  f.account_weight_cdf =
      CumulativeWeights(f.accounts, [](const SimAccount& a) { return a.call_weight; });
}

void AddContacts(Fleet& f, int phones, std::string_view city) {
  const int count = std::clamp(40 + 2 * phones, 40, 1500);
  f.contacts.reserve(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) {
    const uint64_t key = Hash(f.seed, kTagContact, k);
    Draws d(key);
    SimParty c;
    const double kind = d.Unit();
    const std::string last(kLastNames[static_cast<size_t>(d.Between(0, kLastNames.size() - 1))]);
    if (kind < 0.55) {
      const double pattern = d.Unit();
      if (pattern < 0.5) {
        c.name = last + " " +
                 std::string(kTrades[static_cast<size_t>(d.Between(0, kTrades.size() - 1))]);
      } else if (pattern < 0.65) {
        c.name = "Autohaus " + last;
      } else if (pattern < 0.8) {
        c.name = "Praxis Dr. " + last;
      } else if (pattern < 0.9) {
        c.name = last + " & " +
                 std::string(kLastNames[static_cast<size_t>(d.Between(0, kLastNames.size() - 1))]) +
                 " GmbH";
      } else {
        c.name = std::string(
                     kInstitutions[static_cast<size_t>(d.Between(0, kInstitutions.size() - 1))]) +
                 " " + std::string(city);
      }
      c.number = d.Chance(0.05) ? "+49800" + SubscriberDigits(d, 7)
                                : RandomExternalNumber(d.Next(), f.area_code, 0.7);
    } else if (kind < 0.85) {
      c.name = PersonName(f.seed, static_cast<uint64_t>(k), 2);
      c.number = d.Chance(0.5) ? RandomMobileNumber(d.Next())
                               : RandomExternalNumber(d.Next(), f.area_code, 0.6);
    } else {
      c.number = RandomExternalNumber(d.Next(), f.area_code, 0.5);
    }
    f.contacts.push_back(std::move(c));
  }
}

void AddDeviceFacts(Fleet& f) {
  Draws d(Hash(f.seed, kTagSite, 2));
  constexpr std::array<std::string_view, 4> kRevisions{"1.0", "1.1", "1.2", "2.0"};
  f.hardware_revision = kRevisions[static_cast<size_t>(d.Between(0, kRevisions.size() - 1))];
  f.mac = MacAddress(kAuerswaldOui, static_cast<uint32_t>(d.Next() & 0xFFFFFF));

  int64_t users = 0;
  int analogue = 0;
  for (const SimPhone& p : f.phones) {
    if (p.telephone.kind != TelephoneKind::kDectBase) ++users;
    if (p.telephone.kind == TelephoneKind::kAnalogue) ++analogue;
  }
  int64_t channels = 0;
  for (const SimAccount& a : f.accounts) channels += a.channels;
  const int64_t voicemail = std::max<int64_t>(1, users * 3 / 10);
  const int64_t cti_total = RoundUp(std::max<int64_t>(1, users / 4), 5);
  const auto groups = static_cast<int64_t>(f.groups.size());
  f.licences = {
      {"System activation", 1, 1},
      {"Users", RoundUp(users + d.Between(0, 4), 5), users},
      {"VoIP channels", RoundUp(channels + 4, 8), channels},
      {"Voicemail/Fax boxes", RoundUp(voicemail + 2, 5), voicemail},
      {"PBX Call Assist (CTI)", cti_total,
       cti_total - d.Between(0, std::min<int64_t>(cti_total, 3))},
      {"Automatic call distribution", groups + d.Between(0, 2), groups},
  };

  int slot = 0;
  for (int ports = 0; ports < analogue; ports += 8) {
    f.modules.push_back({++slot, "COMmander 8a/b module", 8});
  }
  f.modules.push_back({++slot, "COMmander 2TSM module", 2});
  if (d.Chance(0.35)) f.modules.push_back({++slot, "COMmander 4S0 module", 4});
}

}  // namespace

std::string RandomMobileNumber(uint64_t key) {
  Draws d(key);
  const std::string_view prefix =
      kMobilePrefixes[static_cast<size_t>(d.Between(0, kMobilePrefixes.size() - 1))];
  const int digits = prefix[1] == '5' ? 8 : 7;
  std::string number = "+49" + std::string(prefix);
  for (int i = 0; i < digits; ++i) number.push_back(static_cast<char>('0' + d.Between(0, 9)));
  return number;
}

std::string RandomExternalNumber(uint64_t key, const std::string& area_code, double local) {
  Draws d(key);
  const double u = d.Unit();
  if (u < local) return GermanLandline(d, area_code);
  const double rest = (u - local) / (1 - local);
  if (rest < 0.45) {
    return GermanLandline(d, kAreas[static_cast<size_t>(d.Between(0, kAreas.size() - 1))].code);
  }
  if (rest < 0.85) return RandomMobileNumber(d.Next());
  if (rest < 0.95) {
    const Foreign& foreign = kForeign[static_cast<size_t>(d.Between(0, kForeign.size() - 1))];
    return std::string(foreign.prefix) + SubscriberDigits(d, foreign.digits);
  }
  return "+49800" + SubscriberDigits(d, 7);
}

Fleet BuildFleet(uint64_t seed, int phones) {
  Fleet f;
  f.seed = seed;
  const Area& area = kAreas[Hash(seed, kTagSite, 1) % kAreas.size()];
  f.area_code = area.code;
  AddPhones(f, phones);
  AddAccounts(f, phones);
  AddContacts(f, phones, area.city);
  AddDeviceFacts(f);
  return f;
}

}  // namespace ccc::agent::sources::sim
